-- Shared by the headless cases: load the plugin (an init.lua putting this checkout on the
-- runtimepath and calling require('outrigger').setup()), record what the user would
-- case once Neovim has started. An uncaught error exits 1 with the traceback on stderr.
vim.g.loaded_python3_provider = 0
vim.g.loaded_node_provider = 0
vim.g.loaded_perl_provider = 0
vim.g.loaded_ruby_provider = 0
dofile(os.getenv('OUTRIGGER_NVIM_CONFIG'))

local M = { notified = {}, echoed = {}, prompts = {}, answers = {} }

function M.check(condition, message)
  if not condition then
    error(message, 2)
  end
end

function M.text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

function M.wait(condition, message, timeout)
  M.check(vim.wait(timeout or 20000, condition, 20), message)
end

vim.notify = function(message)
  M.notified[#M.notified + 1] = message
end

local echo = vim.api.nvim_echo
vim.api.nvim_echo = function(chunks, history, opts)
  M.echoed[#M.echoed + 1] = table.concat(vim.tbl_map(function(chunk) return chunk[1] end, chunks))
  return echo(chunks, history, opts)
end

-- The user answering vim.fn.confirm: the next of M.answers (1 = the first choice), recording
-- the question and what the floating window showed while it was asked.
-- The trust question (asked once when the server attaches to an untrusted folder) is answered
-- by M.trust_answer (default 2, "Not now") and recorded in M.trust_prompts, apart from these.
M.trust_prompts, M.trust_answer = {}, 2
vim.fn.confirm = function(message)
  if message:find('run its own code', 1, true) then
    M.trust_prompts[#M.trust_prompts + 1] = message
    return M.trust_answer
  end
  local shown
  for _, window in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(window).relative ~= '' then
      shown = M.text(vim.api.nvim_win_get_buf(window))
    end
  end
  M.prompts[#M.prompts + 1] = { message = message, diff = shown }
  return table.remove(M.answers, 1) or 2
end

--- Runs a command of the attached client and waits for its result.
function M.exec(client, bufnr, command, arguments)
  local done, result
  client:exec_cmd({ title = command, command = command, arguments = arguments }, { bufnr = bufnr }, function(err, res)
    done, result = true, err or res
  end)
  -- Generous: a task runs the project's tests twice in a sandbox, slow on a busy 2-core box.
  M.wait(function() return done end, command .. ' did not answer', 100000)
  return result
end

function M.attach(path)
  vim.cmd.edit(path)
  local bufnr = vim.api.nvim_get_current_buf()
  local client
  M.wait(function()
    client = vim.lsp.get_clients({ bufnr = bufnr, name = 'outrigger' })[1]
    return client ~= nil and client.initialized
  end, 'outrigger did not attach to ' .. path .. ' (filetype: ' .. vim.bo[bufnr].filetype .. ')')
  return client, bufnr
end

--- Calls a normal-mode mapping of the configuration, as pressing its keys would.
function M.press(lhs)
  local mapping = vim.fn.maparg(lhs, 'n', false, true)
  M.check(mapping.callback, 'no mapping for ' .. lhs)
  mapping.callback()
end

function M.stop(client)
  local id = client.id
  client:stop()
  M.wait(function() return vim.lsp.get_client_by_id(id) == nil end, 'client did not stop', 10000)
  vim.cmd('qa!')
end

function M.run(case)
  vim.api.nvim_create_autocmd('VimEnter', {
    nested = true, -- so :edit runs filetype detection and the server attaches
    once = true,
    callback = function()
      local ok, err = xpcall(case, debug.traceback)
      if not ok then
        io.stderr:write('FAIL: ' .. tostring(err) .. '\n')
        vim.cmd('cquit! 1')
      end
    end,
  })
end

return M
