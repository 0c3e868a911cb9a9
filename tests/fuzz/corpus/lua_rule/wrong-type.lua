return 'yes'
