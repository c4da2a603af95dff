-- :checkhealth outrigger — the server command, the model and its state.
local M = {}

local health = vim.health

local function run(cmd, timeout)
  local ok, result = pcall(function() return vim.system(cmd, { text = true }):wait(timeout) end)
  if not ok then
    return nil, tostring(result)
  end
  return result
end

function M.check()
  health.start('Outrigger')
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim 0.11 or newer is needed (vim.lsp.config / vim.lsp.enable)')
  end

  local cmd = require('outrigger').options.cmd
  local executable = cmd[1]
  if vim.fn.executable(executable) ~= 1 then
    health.error(('`%s` is not executable'):format(executable), {
      'Install Outrigger and put it on PATH (e.g. the .venv/bin of a checkout), or set `cmd` in setup()',
    })
    return
  end
  local version = run({ executable, '--version' }, 10000)
  if version and version.code == 0 then
    health.ok(('server: %s (%s)'):format(vim.trim(version.stdout), vim.fn.exepath(executable)))
  else
    health.error(('`%s --version` failed: %s'):format(executable, version and vim.trim(version.stderr or '') or '?'))
    return
  end

  local client = vim.lsp.get_clients({ name = 'outrigger' })[1]
  if client then
    local response = client:request_sync('workspace/executeCommand', { command = 'outrigger.status' }, 10000)
    local status = response and response.result
    if status and status.state == 'unreachable' then
      health.error('model: ' .. status.message, { 'Check model.baseUrl in setup(), or leave it empty for the embedded model' })
    elseif status then
      health.ok(('model: %s — %s'):format(status.model, status.message))
    else
      health.warn('the running server did not answer outrigger.status: ' .. vim.inspect(response and response.err))
    end
    if status and type(status.completion) == 'table' then
      health.info(status.completion.message)
    end
    local roots = vim.tbl_map(function(folder) return folder.name end, client.workspace_folders or {})
    health.info('attached to ' .. #vim.lsp.get_buffers_by_client_id(client.id) .. ' buffer(s); folders: ' .. table.concat(roots, ', '))
  else
    health.info('the server is not running: open a file of a language it serves (e.g. Python, Rust, Go)')
  end

  local model = run({ executable, 'model', 'status' }, 20000)
  if model and model.code == 0 then
    for _, line in ipairs(vim.split(vim.trim(model.stdout), '\n')) do
      health.info(line)
    end
  elseif model then
    health.warn('`outrigger model status` failed: ' .. vim.trim(model.stderr or model.stdout or ''))
  end
end

return M
