# Step forward over the store to `counter` in bump's second call, then
# reverse-stepi back over it and see the old value.
set pagination off
set confirm off
break bump
continue
continue
delete
print counter
while counter == 1
  stepi
end
print counter
reverse-stepi
print counter
stepi
print counter
continue
