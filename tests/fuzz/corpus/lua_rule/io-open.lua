return io.open('/etc/passwd') ~= nil
