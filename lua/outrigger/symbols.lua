-- Hands Outrigger the symbols of your other language servers, in any language, so that its map
-- agrees with them (outrigger/pushSymbols): when they attach to a buffer, and on save. A buffer
-- whose language Outrigger has no grammar for gets Outrigger attached once its symbols are
-- pushed, so its functions get the code actions too; Outrigger drops those symbols on each
-- change of its text (their ranges describe the old text), so they are pushed again after it.
local M = {}

-- After the last change, before asking the other servers again (they re-read the text too).
M.repush_delay_ms = 500

local by_push = {} -- buffers Outrigger is attached to only because their symbols were pushed
local timers = {}

local function outrigger_client()
  return vim.lsp.get_clients({ name = 'outrigger' })[1]
end

-- DocumentSymbol trees or SymbolInformation lists, as flat SymbolInformation entries.
local function flatten(result, uri)
  local symbols = {}
  local function add(items, container)
    for _, s in ipairs(items) do
      local location = s.location or { uri = uri, range = s.range }
      symbols[#symbols + 1] = { name = s.name, kind = s.kind, location = location, containerName = s.containerName or container }
      add(s.children or {}, s.name)
    end
  end
  add(result)
  return symbols
end

function M.push(bufnr)
  local outrigger = outrigger_client()
  if not outrigger or not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local uri = vim.uri_from_bufnr(bufnr)
  for _, other in ipairs(vim.lsp.get_clients({ bufnr = bufnr, method = 'textDocument/documentSymbol' })) do
    if other.name ~= 'outrigger' then
      other:request('textDocument/documentSymbol', { textDocument = { uri = uri } }, function(err, result)
        if err or not result or outrigger:is_stopped() then
          return
        end
        local symbols = flatten(result, uri)
        outrigger:notify('outrigger/pushSymbols', { symbols = symbols })
        if #symbols > 0 and vim.api.nvim_buf_is_loaded(bufnr) and not vim.lsp.buf_is_attached(bufnr, outrigger.id) then
          by_push[bufnr] = true
          vim.lsp.buf_attach_client(bufnr, outrigger.id)
        end
      end, bufnr)
    end
  end
end

--- Pushes `bufnr` again once its text has stopped changing for a moment.
local function repush_later(bufnr)
  local timer = timers[bufnr]
  if not timer then
    timer = assert(vim.uv.new_timer())
    timers[bufnr] = timer
  end
  timer:stop()
  timer:start(M.repush_delay_ms, 0, vim.schedule_wrap(function()
    if vim.api.nvim_buf_is_valid(bufnr) then
      M.push(bufnr)
    end
  end))
end

local function forget(bufnr)
  by_push[bufnr] = nil
  if timers[bufnr] then
    timers[bufnr]:stop()
    timers[bufnr]:close()
    timers[bufnr] = nil
  end
end

--- Pushes when another server attaches to a buffer and when a buffer is saved; Outrigger
--- itself starting pushes for the buffers other servers attached to before it. A buffer served
--- by push is pushed again after each change Outrigger is told of (its didChange).
function M.enable(group)
  vim.api.nvim_create_autocmd('LspNotify', {
    group = group,
    callback = function(event)
      if event.data.method ~= 'textDocument/didChange' then
        return
      end
      local client = vim.lsp.get_client_by_id(event.data.client_id)
      local bufnr = vim.uri_to_bufnr(event.data.params.textDocument.uri)
      if by_push[bufnr] and client and client.name == 'outrigger' then
        repush_later(bufnr)
      end
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufUnload', 'BufWipeout' }, {
    group = group,
    callback = function(event) forget(event.buf) end,
  })
  vim.api.nvim_create_autocmd('LspDetach', {
    group = group,
    callback = function(event)
      local client = vim.lsp.get_client_by_id(event.data.client_id)
      if client and client.name == 'outrigger' then
        forget(event.buf)
      end
    end,
  })
  vim.api.nvim_create_autocmd({ 'LspAttach', 'BufWritePost' }, {
    group = group,
    callback = function(event)
      local client = event.data and vim.lsp.get_client_by_id(event.data.client_id)
      local buffers = client and client.name == 'outrigger' and vim.api.nvim_list_bufs() or { event.buf }
      for _, bufnr in ipairs(buffers) do
        M.push(bufnr)
      end
    end,
  })
end

return M
