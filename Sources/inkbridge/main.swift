print("inkbridge")
