return dofile('/etc/passwd')
