-- Buffer options for mcl: `#` comments, and mgmt's canonical style (tabs, as `mclc fmt` writes).
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

vim.bo.commentstring = '# %s'
vim.bo.comments = ':#'
vim.bo.expandtab = false
vim.bo.shiftwidth = 0
vim.bo.softtabstop = 0
vim.opt_local.formatoptions:remove('t')
vim.opt_local.formatoptions:append('croql')
vim.opt_local.iskeyword:append('$')
vim.bo.suffixesadd = '.mcl'

vim.b.undo_ftplugin = 'setlocal commentstring< comments< expandtab< shiftwidth< softtabstop<'
  .. ' formatoptions< iskeyword< suffixesadd<'
