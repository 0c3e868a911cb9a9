print('on stdout') return true
