return next(vm) ~= nil
