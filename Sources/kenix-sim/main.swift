// placeholder until the CLI lands
print("kenix-sim")
