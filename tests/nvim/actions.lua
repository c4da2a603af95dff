-- Neovim drives Outrigger through the plugin (OUTRIGGER_NVIM_CONFIG: require('outrigger').setup()):
-- code actions on validateToken, a rename through exec_cmd, and the "Ask Outrigger about…"
-- action through vim.lsp.buf.code_action with vim.ui.input answering. Exits 0 on success.
vim.g.loaded_python3_provider = 0
vim.g.loaded_node_provider = 0
vim.g.loaded_perl_provider = 0
vim.g.loaded_ruby_provider = 0
dofile(os.getenv('OUTRIGGER_NVIM_CONFIG'))

local function check(condition, message)
  if not condition then
    error(message, 2)
  end
end

local function text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

local function run()
  vim.cmd.edit('src/auth.js')
  local buf = vim.api.nvim_get_current_buf()
  local client
  check(vim.wait(20000, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'outrigger' })[1]
    return client ~= nil and client.initialized
  end, 20), 'outrigger did not attach to src/auth.js (filetype: ' .. vim.bo[buf].filetype .. ')')

  -- Code actions inside validateToken (0-based line 8): titles name the symbol.
  local at = { line = 8, character = 4 }
  local response = client:request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = at, ['end'] = at },
    context = { diagnostics = {} },
  }, 10000, buf)
  check(response and not response.err, 'codeAction failed: ' .. vim.inspect(response))
  local titles = vim.tbl_map(function(action) return action.title end, response.result)
  for _, wanted in ipairs({ 'Explain `validateToken`', 'Add JSDoc to `validateToken`', 'Ask Outrigger about `validateToken`…' }) do
    check(vim.tbl_contains(titles, wanted), 'missing code action ' .. wanted .. ' in ' .. vim.inspect(titles))
  end

  -- A rename through the command: Neovim applies the workspace edit to the buffer.
  local done, result
  client:exec_cmd({
    title = 'rename',
    command = 'outrigger.ask',
    arguments = { { request = 'rename validateToken to checkToken' } },
  }, { bufnr = buf }, function(err, res)
    done, result = true, err or res
  end)
  check(vim.wait(20000, function() return done end, 20), 'outrigger.ask (rename) did not answer')
  check(result.kind == 'edit', 'rename: ' .. vim.inspect(result))
  check(text(buf):find('function checkToken%(token%)'), 'rename did not land in the buffer:\n' .. text(buf))
  check(not text(buf):find('validateToken'), 'validateToken is left in the buffer')

  -- The user-facing path: the code action menu, the client-side askAbout prompt, the model.
  vim.ui.input = function(_, on_confirm) on_confirm('Add a JSDoc') end
  vim.api.nvim_win_set_cursor(0, { 16, 2 }) -- inside validateUser
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action) return action.title:find('Ask Outrigger about', 1, true) ~= nil end,
  })
  check(vim.wait(20000, function() return text(buf):find('@returns {boolean}', 1, true) ~= nil end, 20),
    'the JSDoc did not land in the buffer:\n' .. text(buf))
  check(text(buf):find(' %*/\nfunction validateUser%(user%) {'), 'JSDoc is not right above validateUser:\n' .. text(buf))

  local id = client.id
  client:stop()
  check(vim.wait(10000, function() return vim.lsp.get_client_by_id(id) == nil end, 20), 'client did not stop')
  vim.cmd('qa!')
end

vim.api.nvim_create_autocmd('VimEnter', {
  nested = true, -- so :edit runs filetype detection and the server attaches
  once = true,
  callback = function()
    local ok, err = xpcall(run, debug.traceback)
    if not ok then
      io.stderr:write('FAIL: ' .. tostring(err) .. '\n')
      vim.cmd('cquit! 1')
    end
  end,
})
