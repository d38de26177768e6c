# Line-level reverse execution: from line 17 of bump's first call,
# reverse-step goes back over the store to line 16 (counter 0 again), then
# out of bump to the call in main; continuing forward meets the breakpoint
# in that same first call again, and the program runs on to its exit.
set pagination off
set confirm off
break bump
continue
next
print counter
reverse-step
print counter
reverse-step
print counter
continue
delete
continue
