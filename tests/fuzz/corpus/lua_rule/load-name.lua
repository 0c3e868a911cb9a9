local f = load('error("forged")', '@policies/scvmm-2008.yaml') return f()
