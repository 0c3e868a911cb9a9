return math.random() < 2
