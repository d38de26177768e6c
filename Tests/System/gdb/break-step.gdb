# Break in a user program, read variables, line-step, continue to the exit.
set pagination off
set confirm off
break bump
continue
print step
print counter
next
print counter
info threads
delete
continue
