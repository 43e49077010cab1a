-- Loaded once at startup (or by a plugin manager): the :Mcl* commands and, unless
-- vim.g.mcl_auto_setup is false, the language server with the default settings. Calling
-- require('mcl').setup(opts) yourself (lazy.nvim does with `opts`) reconfigures it.
if vim.g.loaded_mcl then
  return
end
vim.g.loaded_mcl = 1

vim.filetype.add({ extension = { mcl = 'mcl' } })

local mcl = require('mcl')
mcl.create_commands()
if vim.g.mcl_auto_setup ~= false and not mcl.configured then
  mcl.setup()
end
