if vm.processor_compatibility then return true end
local missing = sets.missing(normalize.features(target.cpu.features),
                             normalize.features(source.cpu.features))
return #missing == 0, "missing: " .. table.concat(missing, ", ")
