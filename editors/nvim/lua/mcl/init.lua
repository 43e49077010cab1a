-- mcl for Neovim: the `mclc lsp` language server and the :Mcl* commands.
--
--   require('mcl').setup({
--     cmd = { 'mclc', 'lsp' },                       -- how to start the server
--     settings = { mcl = { etcd = { endpoints = { 'http://127.0.0.1:2379' } } } },
--   })
--
-- On Neovim 0.11+ the server is registered with vim.lsp.config('mcl', …) and vim.lsp.enable('mcl');
-- on 0.8–0.10 a FileType autocommand starts it with vim.lsp.start().
local M = {}

local defaults = {
  -- The language server command; its first word is also the `mclc` used by :MclCheck.
  cmd = { 'mclc', 'lsp' },
  -- Client settings, sent as initializationOptions and answered to workspace/configuration.
  settings = { mcl = { etcd = { endpoints = {} } } },
  -- Files whose directory is the project root (the nearest one above the file wins).
  root_markers = { 'metadata.yaml', '.git' },
  -- Use vim.lsp.start() even where vim.lsp.config() exists (the path taken on 0.8–0.10).
  legacy_start = false,
}

M.config = vim.deepcopy(defaults)

local has_config = vim.lsp.config ~= nil and vim.lsp.enable ~= nil
local augroup = vim.api.nvim_create_augroup('mcl_lsp', { clear = true })

local function lsp_settings()
  return vim.deepcopy(M.config.settings)
end

local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= '' and vim.fs.dirname(name) or vim.fn.getcwd()
  local found = vim.fs.find(M.config.root_markers, { path = start, upward = true })[1]
  return found and vim.fs.dirname(found) or start
end

--- Configures (or reconfigures) and enables the language server. Safe to call more than once.
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  M.configured = true
  vim.api.nvim_clear_autocmds({ group = augroup })
  if has_config and not M.config.legacy_start then
    vim.lsp.config('mcl', {
      cmd = M.config.cmd,
      filetypes = { 'mcl' },
      root_markers = M.config.root_markers,
      init_options = lsp_settings(),
      settings = lsp_settings(),
    })
    vim.lsp.enable('mcl')
  else
    vim.api.nvim_create_autocmd('FileType', {
      group = augroup,
      pattern = 'mcl',
      callback = function(ev)
        M.start(ev.buf)
      end,
    })
    -- Buffers that were opened before setup().
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == 'mcl' then
        M.start(buf)
      end
    end
  end
end

--- Starts (or reuses) the server for one buffer with vim.lsp.start (Neovim 0.8+).
function M.start(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return
  end
  return vim.lsp.start({
    name = 'mcl',
    cmd = M.config.cmd,
    root_dir = root_dir(bufnr),
    init_options = lsp_settings(),
    settings = lsp_settings(),
  }, { bufnr = bufnr })
end

local function get_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'mcl' })
  end
  return vim.lsp.get_active_clients({ bufnr = bufnr, name = 'mcl' })
end

--- The mcl language client attached to `bufnr`, or nil after saying why.
function M.client(bufnr)
  local client = get_clients(bufnr)[1]
  if not client then
    vim.notify('mcl: no language server attached to this buffer (is `' .. M.config.cmd[1] .. '` on PATH?)', vim.log.levels.ERROR)
  end
  return client
end

local function buffer(bufnr)
  return (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
end

--- Sends `workspace/executeCommand` with `params`; the answer goes to `handle(err, result)`,
--- then to `on_done(err, result)` if given.
local function execute(client, bufnr, params, handle, on_done)
  local function handler(err, result)
    handle(err, result)
    if on_done then
      on_done(err, result)
    end
  end
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request('workspace/executeCommand', params, handler, bufnr)
  end
  return client.request('workspace/executeCommand', params, handler, bufnr)
end

--- :MclFormat — format the buffer through the server; without one, through `mclc fmt -`.
function M.format(bufnr)
  bufnr = buffer(bufnr)
  if get_clients(bufnr)[1] then
    vim.lsp.buf.format({
      bufnr = bufnr,
      async = false,
      timeout_ms = 5000,
      filter = function(c)
        return c.name == 'mcl'
      end,
    })
    return
  end
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
  local out = vim.fn.systemlist({ M.config.cmd[1], 'fmt', '-' }, text)
  if vim.v.shell_error ~= 0 then
    vim.notify('mclc fmt: ' .. table.concat(out, '\n'), vim.log.levels.ERROR)
    return
  end
  local view = vim.fn.winsaveview()
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, out)
  vim.fn.winrestview(view)
end

--- Parses one `--format short` line: path:line:col: severity[phase]: message.
function M.parse_short(line)
  local file, lnum, col, sev, msg = line:match('^(.-):(%d+):(%d+): (%a+)%[[^%]]*%]: (.*)$')
  if not file then
    return nil
  end
  local type = ({ error = 'E', warning = 'W', note = 'I', help = 'I' })[sev] or 'E'
  return { filename = file, lnum = tonumber(lnum), col = tonumber(col), type = type, text = msg }
end

--- :MclCheck [path] — `mclc check --format short` on the path (default: this file) into the
--- quickfix list. Returns the number of findings.
function M.check(path)
  if path == nil or path == '' then
    if vim.bo.modified then
      vim.cmd('silent write')
    end
    path = vim.api.nvim_buf_get_name(0)
  end
  if path == '' then
    vim.notify('mcl: save the buffer first, or give :MclCheck a path', vim.log.levels.ERROR)
    return 0
  end
  local out = vim.fn.systemlist({ M.config.cmd[1], 'check', '--format', 'short', path })
  local code = vim.v.shell_error
  local items = {}
  for _, line in ipairs(out) do
    local item = M.parse_short(line)
    if item then
      table.insert(items, item)
    elseif line ~= '' and code ~= 0 and code ~= 1 then
      table.insert(items, { text = line, type = 'E' })
    end
  end
  vim.fn.setqflist({}, ' ', { title = 'mclc check ' .. path, items = items })
  if #items == 0 then
    vim.cmd('cclose')
    vim.notify('mclc check: no problems in ' .. vim.fn.fnamemodify(path, ':~:.'))
  else
    vim.cmd('copen')
    vim.cmd('wincmd p')
  end
  return #items
end

local deploy_counter = 0

--- :MclDeploy[!] — deploy this file through the server's `mcl.deploy` command (! = noop: show
--- what would change). Progress messages are echoed as they come.
function M.deploy(noop, bufnr, on_done)
  bufnr = buffer(bufnr)
  local client = M.client(bufnr)
  if not client then
    return
  end
  if vim.bo[bufnr].modified then
    vim.api.nvim_buf_call(bufnr, function()
      vim.cmd('silent write')
    end)
  end
  deploy_counter = deploy_counter + 1
  local token = ('mcl-deploy-%d-%d'):format(vim.fn.getpid(), deploy_counter)
  local progress
  if vim.fn.has('nvim-0.10') == 1 then
    progress = vim.api.nvim_create_autocmd('LspProgress', {
      callback = function(ev)
        local p = ev.data and ev.data.params
        if p and p.token == token and p.value then
          local v = p.value
          local text = table.concat(vim.tbl_filter(function(s)
            return s ~= nil and s ~= ''
          end, { v.title, v.message, v.percentage and (v.percentage .. '%') or nil }), ' ')
          vim.api.nvim_echo({ { 'mcl deploy: ' .. text } }, false, {})
        end
      end,
    })
  end
  local uri = vim.uri_from_bufnr(bufnr)
  local params = { command = 'mcl.deploy', arguments = { { uri = uri, noop = noop and true or false } }, workDoneToken = token }
  vim.api.nvim_echo({ { noop and 'mcl: deploying (noop)…' or 'mcl: deploying…' } }, false, {})
  execute(client, bufnr, params, function(err, result)
    if progress then
      pcall(vim.api.nvim_del_autocmd, progress)
    end
    if err then
      vim.notify('mcl: deploy failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      vim.notify('mcl: ' .. ((type(result) == 'string' and result ~= '') and result or 'deployed'))
    end
  end, on_done)
end

--- :MclGraph — the resource graph of this file (the server's `mcl.showGraph`) in a scratch split.
function M.graph(bufnr, on_done)
  bufnr = buffer(bufnr)
  local client = M.client(bufnr)
  if not client then
    return
  end
  local params = { command = 'mcl.showGraph', arguments = { vim.uri_from_bufnr(bufnr) } }
  execute(client, bufnr, params, function(err, result)
    if err then
      vim.notify('mcl: no graph: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      local text = type(result) == 'string' and result or vim.inspect(result)
      vim.cmd('botright new')
      local buf = vim.api.nvim_get_current_buf()
      vim.bo[buf].buftype = 'nofile'
      vim.bo[buf].bufhidden = 'wipe'
      vim.bo[buf].swapfile = false
      vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { trimempty = true }))
      vim.bo[buf].modifiable = false
      pcall(vim.api.nvim_buf_set_name, buf, 'mcl-graph://' .. vim.api.nvim_buf_get_name(bufnr))
    end
  end, on_done)
end

--- Defines :MclCheck, :MclFormat, :MclDeploy and :MclGraph.
function M.create_commands()
  local cmd = vim.api.nvim_create_user_command
  cmd('MclCheck', function(o)
    M.check(o.args)
  end, { nargs = '?', complete = 'file', desc = 'mclc check into the quickfix list' })
  cmd('MclFormat', function()
    M.format(0)
  end, { desc = 'Format the buffer with mclc' })
  cmd('MclDeploy', function(o)
    M.deploy(o.bang, 0)
  end, { bang = true, desc = 'Deploy this mcl file (! = noop)' })
  cmd('MclGraph', function()
    M.graph(0)
  end, { desc = 'Show the resource graph of this mcl file' })
end

return M
