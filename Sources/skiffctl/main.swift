print("skiffctl")
