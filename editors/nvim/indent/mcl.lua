-- Indentation for mcl: one level inside every open {, [ or (.
if vim.b.did_indent then
  return
end
vim.b.did_indent = 1

vim.bo.indentexpr = "v:lua.require'mcl.indent'.get(v:lnum)"
vim.bo.indentkeys = '0{,0},0),0],!^F,o,O,e'
vim.bo.autoindent = true
vim.b.undo_indent = 'setlocal indentexpr< indentkeys< autoindent<'
