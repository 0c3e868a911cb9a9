vm.state = 'stopped' return true
