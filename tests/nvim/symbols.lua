-- The documented configuration forwards another language server's symbols to Outrigger
-- (outrigger/pushSymbols), for a language Outrigger has no grammar for: toy_server.py serves
-- `.toy` files. The toy file is opened before Outrigger runs (pushed once Outrigger attaches),
-- then changed (pushed again, before any save) and saved.
local h = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'harness.lua'))

vim.filetype.add({ extension = { toy = 'toy' } })
vim.lsp.config('toy', { cmd = { os.getenv('OUTRIGGER_PYTHON'), os.getenv('OUTRIGGER_TOY_SERVER') }, filetypes = { 'toy' } })
vim.lsp.enable('toy')

local function outrigger_symbols(client, buf, query)
  local response = client:request_sync('workspace/symbol', { query = query }, 10000, buf)
  h.check(response and not response.err, 'workspace/symbol failed: ' .. vim.inspect(response))
  return vim.tbl_map(function(s)
    return ('%s %s:%d'):format(s.name, vim.fs.basename(vim.uri_to_fname(s.location.uri)), s.location.range.start.line)
  end, response.result or {})
end

h.run(function()
  vim.cmd.edit('notes.toy')
  local toy = vim.api.nvim_get_current_buf()
  h.wait(function() return vim.lsp.get_clients({ bufnr = toy, name = 'toy' })[1] ~= nil end, 'the toy server did not attach')

  local client, buf = h.attach('src/auth.js')
  local found
  h.wait(function()
    found = outrigger_symbols(client, buf, 'billing')
    return #found > 0
  end, 'the toy symbols never reached Outrigger')
  h.check(vim.deep_equal(found, { 'billing notes.toy:0' }), 'pushed: ' .. vim.inspect(found))
  found = outrigger_symbols(client, buf, 'charge')
  h.check(vim.deep_equal(found, { 'charge notes.toy:1' }), 'members: ' .. vim.inspect(found))

  -- Changed, not saved: Outrigger drops the buffer's pushed symbols with its didChange (their
  -- ranges describe the old text); the plugin pushes them again.
  vim.api.nvim_buf_set_lines(toy, -1, -1, false, { 'section refunds', '  def refund' })
  h.wait(function()
    found = outrigger_symbols(client, buf, 'refund')
    return #found == 2
  end, 'the changed buffer\'s symbols never reached Outrigger before a save: ' .. vim.inspect(found))
  h.check(vim.deep_equal(found, { 'refunds notes.toy:3', 'refund notes.toy:4' }), 'after the change: ' .. vim.inspect(found))
  h.check(vim.deep_equal(outrigger_symbols(client, buf, 'charge'), { 'charge notes.toy:1' }), 'charge lost after the change')

  vim.api.nvim_buf_set_lines(toy, 0, 0, false, { 'section fees', '  def fee' })
  vim.api.nvim_buf_call(toy, function() vim.cmd.write() end)
  h.wait(function()
    found = outrigger_symbols(client, buf, 'refund')
    return vim.deep_equal(found, { 'refunds notes.toy:5', 'refund notes.toy:6' })
  end, 'the saved symbols never reached Outrigger: ' .. vim.inspect(found))
  h.stop(client)
end)
