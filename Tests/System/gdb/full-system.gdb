# The whole system (init, servers, the shell) with --gdb-wait gdbtest: the
# first stop is gdbtest's first instruction; tasks are threads.
set pagination off
set confirm off
info threads
break bump
continue
print counter
thread 1
print $pc
delete
continue
