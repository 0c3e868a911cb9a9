return false, {}
