# Line stepping in an Embedded Swift program (line tables only).
set pagination off
set confirm off
break ticker.swift:10
continue
next
next
bt 1
delete
continue
