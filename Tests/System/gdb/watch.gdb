# A write watchpoint; reverse-continue back to the write (the watchpoint
# triggers going backwards too), then back to the breakpoint before it.
set pagination off
set confirm off
break bump
continue
watch counter
continue
print counter
reverse-continue
print counter
delete 2
reverse-continue
print counter
delete
continue
