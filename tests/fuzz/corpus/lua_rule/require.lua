local os = require('os') return os ~= nil
