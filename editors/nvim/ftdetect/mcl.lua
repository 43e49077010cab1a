-- *.mcl files are mgmt's configuration language.
vim.filetype.add({ extension = { mcl = 'mcl' } })
