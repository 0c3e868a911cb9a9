return package.loaded ~= nil
