print(f"hello, {input()}!")
