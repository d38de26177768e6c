# Line stepping in an Embedded Swift program (line tables only): a
# breakpoint on a line, then `next` around the loop.
set pagination off
set confirm off
break ticker.swift:16
continue
next
next
delete
continue
