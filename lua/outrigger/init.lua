-- Outrigger for Neovim 0.11+: the language server (lsp/outrigger.lua) with its keymaps, the
-- one-question review of every edit (outrigger.review), progress messages and the forwarding of
-- your other language servers' symbols (outrigger.symbols).
--
--   require('outrigger').setup({
--     model = { baseUrl = 'http://127.0.0.1:11434', api = 'ollama', name = 'qwen2.5-coder:1.5b' },
--   })
local M = {}

M.defaults = {
  cmd = { 'outrigger', 'lsp' }, -- `outrigger` on PATH, e.g. the .venv/bin of a checkout
  filetypes = nil, -- extra filetypes, besides the server's languages and pushed symbols
  settings = {}, -- Outrigger's settings object (init_options): tasks, tests, ignore, index…
  model = {}, -- settings.model: baseUrl, api, name, contextWindow…; empty: the embedded model
  keymaps = { ask = '<leader>oa', undo = '<leader>ou', history = '<leader>oh', status = '<leader>os' },
  review = { width = 100, border = 'rounded' }, -- the floating diff; false: Neovim's own handler
  progress = true, -- echo progress with percentages (a first start downloads the model)
  push_symbols = true, -- forward other language servers' symbols (outrigger/pushSymbols)
  -- Ghost text from the model in insert mode (Neovim 0.12's vim.lsp.inline_completion), guarded
  -- by the server; `accept` is the insert-mode key that takes it (false: none). The server's
  -- settings.completion.languages narrows the languages.
  completion = { enabled = true, accept = '<C-l>' },
  -- Once per folder the server does not trust yet, ask whether its own code (tests,
  -- conftest.py, npm scripts) may run on proposed changes; "Trust" is remembered.
  ask_trust = true,
}

M.options = vim.deepcopy(M.defaults)

local group = vim.api.nvim_create_augroup('outrigger', { clear = true })

--- Shows what Outrigger did; answers and refusals arrive as messages from the server (a long
--- answer opens as a markdown document).
local function report(err, result)
  if err then
    vim.notify('Outrigger: ' .. err.message, vim.log.levels.ERROR)
  elseif result and (result.kind == 'edit' or result.kind == 'not-applied') then
    vim.notify(result.message, vim.log.levels.INFO)
  end
end

--- The running Outrigger client: the one attached to `bufnr` if given, else any.
function M.client(bufnr)
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'outrigger' })[1]
  if not client then
    local where = bufnr and 'attached to this buffer' or 'running: open a file it knows first'
    vim.notify('Outrigger is not ' .. where, vim.log.levels.WARN)
  end
  return client
end

--- Runs `outrigger.ask` with a request (and where the cursor is).
function M.ask(request, opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local client = opts.client or M.client(bufnr)
  if not client then
    return
  end
  local position = opts.position or vim.lsp.util.make_position_params(0, client.offset_encoding).position
  client:exec_cmd({
    title = 'Outrigger',
    command = 'outrigger.ask',
    arguments = { { request = request, textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position } },
  }, { bufnr = bufnr }, report)
end

--- Prompts for a request about the code under the cursor, then asks it.
function M.prompt()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    return
  end
  local position = vim.lsp.util.make_position_params(0, client.offset_encoding).position
  vim.ui.input({ prompt = 'Outrigger: ' }, function(request)
    if request and request ~= '' then
      M.ask(request, { bufnr = bufnr, client = client, position = position })
    end
  end)
end

function M.undo()
  local client = M.client()
  if client then
    client:exec_cmd({ title = 'Outrigger', command = 'outrigger.undo' }, { bufnr = 0 }, report)
  end
end

function M.history()
  local client = M.client()
  if client then
    client:exec_cmd({ title = 'Outrigger', command = 'outrigger.history' }, { bufnr = 0 }, function(err, result)
      if err then return report(err) end
      local entries = #result.entries > 0 and result.entries or { 'nothing done yet' }
      vim.notify('Outrigger history:\n' .. table.concat(entries, '\n'), vim.log.levels.INFO)
    end)
  end
end

--- Trusts (or, with `false`, stops trusting) the workspace folders to run their own code: the
--- project's tests on a proposed change, conftest.py, npm scripts. Remembered per folder in
--- Outrigger's trust list (as `outrigger trust DIR` does), so it is asked once.
function M.trust(trusted)
  local client = M.client()
  if client then
    local argument = { trusted = trusted ~= false, remember = true }
    client:exec_cmd({ title = 'Outrigger', command = 'outrigger.trust', arguments = { argument } }, { bufnr = 0 },
      function(err, result)
        if err then return report(err) end
        local completion = type(result.completion) == 'table' and result.completion.message or nil
      vim.notify('Outrigger: ' .. result.message .. (completion and ('\n' .. completion) or ''), vim.log.levels.INFO)
      end)
  end
end

--- Asks once per attached server whether folders it does not trust may run their own code.
local asked_trust = {}
local function ask_trust(client, bufnr)
  if asked_trust[client.id] then
    return
  end
  asked_trust[client.id] = true
  client:exec_cmd({ title = 'Outrigger', command = 'outrigger.trust' }, { bufnr = bufnr }, function(err, result)
    if err or result.trusted or #result.folders == 0 then
      return
    end
    local question = ('Outrigger: let %s run its own code (tests, conftest.py, npm scripts) on proposed changes?\n'
      .. 'Until then edits are previewed without running its tests.'):format(table.concat(result.folders, ', '))
    vim.schedule(function()
      if vim.fn.confirm(question, '&Trust\n&Not now', 2, 'Question') == 1 then
        M.trust(true)
      end
    end)
  end)
end

function M.status()
  local client = M.client()
  if client then
    client:exec_cmd({ title = 'Outrigger', command = 'outrigger.status' }, { bufnr = 0 }, function(err, result)
      if err then return report(err) end
      local completion = type(result.completion) == 'table' and result.completion.message or nil
      vim.notify('Outrigger: ' .. result.message .. (completion and ('\n' .. completion) or ''), vim.log.levels.INFO)
    end)
  end
end

--- Attaches Outrigger to every loaded buffer of a language the server announced (a filetype
--- Neovim names differently from the fallback list still gets it).
function M.attach_announced(client)
  local languages = require('outrigger.languages')
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].buftype == '' and languages.announced(client, bufnr)
      and not vim.lsp.buf_is_attached(bufnr, client.id) then
      vim.lsp.buf_attach_client(bufnr, client.id)
    end
  end
end

-- The "Ask Outrigger about `X`…" code action: prompt, then ask with the code action's position.
vim.lsp.commands['outrigger.askAbout'] = function(command, ctx)
  local arg = command.arguments[1]
  vim.ui.input({ prompt = ('Ask Outrigger about %s: '):format(arg.symbol) }, function(request)
    if request and request ~= '' then
      M.ask(request, { bufnr = ctx.bufnr, client = vim.lsp.get_client_by_id(ctx.client_id), position = arg.position })
    end
  end)
end

--- One line that fits the echo area after `prefix`: an answer being written arrives as the text
--- so far, of several lines; its last line is shown, its newest words kept (more would ask for Enter).
local function echo_line(prefix, text)
  text = vim.trim(text):match('[^\n]*$')
  local room = math.max(vim.v.echospace - 1 - vim.fn.strdisplaywidth(prefix), 20)
  if vim.fn.strdisplaywidth(text) > room then
    local chars = vim.fn.strchars(text)
    local start = math.max(chars - room, 0)
    while start < chars and vim.fn.strdisplaywidth(vim.fn.strcharpart(text, start)) > room - 1 do
      start = start + 1
    end
    text = '…' .. vim.fn.strcharpart(text, start)
  end
  return prefix .. text
end

local function echo_progress(event)
  local client = vim.lsp.get_client_by_id(event.data.client_id)
  local value = event.data.params.value
  if client and client.name == 'outrigger' and type(value) == 'table' and value.kind ~= 'end' then
    local percent = value.percentage and (' (%d%%)'):format(value.percentage) or ''
    vim.api.nvim_echo({ { echo_line('Outrigger: ', (value.message or value.title or '') .. percent) } }, false, {})
  end
end

local KEYMAPS = {
  ask = { M.prompt, 'Ask Outrigger' },
  undo = { M.undo, 'Undo the last Outrigger action' },
  history = { M.history, 'What Outrigger did' },
  status = { M.status, 'Outrigger model status' },
}

--- Inline completion for the buffers Outrigger attaches to (Neovim 0.12+; older ones skip it),
--- and the insert-mode key that accepts the ghost text (falling back to the key itself).
function M.enable_completion(completion)
  if not (vim.lsp.inline_completion and vim.lsp.inline_completion.enable) then
    return
  end
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(event)
      local client = vim.lsp.get_client_by_id(event.data.client_id)
      if client and client.name == 'outrigger' then
        vim.lsp.inline_completion.enable(true, { bufnr = event.buf })
      end
    end,
  })
  if completion.accept then
    local key = vim.api.nvim_replace_termcodes(completion.accept, true, false, true)
    vim.keymap.set('i', completion.accept, function()
      if not vim.lsp.inline_completion.get() then
        return key
      end
    end, { expr = true, desc = 'Accept Outrigger\'s inline completion' })
  end
end

--- Configures and enables the language server; every option is optional (M.defaults).
function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  local options = M.options
  local review = require('outrigger.review')
  if options.review then
    review.options = vim.tbl_extend('force', review.options, options.review)
  end
  local settings = vim.deepcopy(options.settings)
  if next(options.model) then
    settings.model = vim.tbl_extend('force', settings.model or {}, options.model)
  end
  vim.lsp.config('outrigger', {
    cmd = options.cmd,
    filetypes = vim.list_extend(vim.deepcopy(require('outrigger.languages').filetypes), options.filetypes or {}),
    init_options = next(settings) and settings or nil,
    handlers = { ['workspace/applyEdit'] = options.review and review.apply_edit or vim.lsp.handlers['workspace/applyEdit'] },
  })
  vim.lsp.enable('outrigger')

  vim.api.nvim_clear_autocmds({ group = group })
  for name, lhs in pairs(options.keymaps or {}) do
    if lhs and KEYMAPS[name] then
      vim.keymap.set('n', lhs, KEYMAPS[name][1], { desc = KEYMAPS[name][2] })
    end
  end
  if options.progress then
    vim.api.nvim_create_autocmd('LspProgress', { group = group, callback = echo_progress })
  end
  if options.push_symbols then
    require('outrigger.symbols').enable(group)
  end
  if options.completion and options.completion.enabled then
    M.enable_completion(options.completion)
  end
  if options.ask_trust then
    vim.api.nvim_create_autocmd('LspAttach', {
      group = group,
      callback = function(event)
        local client = vim.lsp.get_client_by_id(event.data.client_id)
        if client and client.name == 'outrigger' then
          ask_trust(client, event.buf)
        end
      end,
    })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    callback = function(event)
      local client = vim.lsp.get_clients({ name = 'outrigger' })[1]
      if client and vim.bo[event.buf].buftype == '' and require('outrigger.languages').announced(client, event.buf)
        and not vim.lsp.buf_is_attached(event.buf, client.id) then
        vim.lsp.buf_attach_client(event.buf, client.id)
      end
    end,
  })
end

return M
