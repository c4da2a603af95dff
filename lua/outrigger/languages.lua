-- The filetypes Outrigger serves. The server announces its languages in its `initialize`
-- result (capabilities.experimental.outrigger.languages: name, title, extensions); `filetypes`
-- is the fallback that starts it, one entry per row of server/outrigger/workspace/languages.py
-- (a test checks that Neovim's filetype of every announced extension is listed here).
local M = {}

M.filetypes = {
  'python',
  'javascript', 'javascriptreact',
  'typescript', 'typescriptreact',
  'rust',
  'go',
  'java',
  'c',
  'cpp',
  'cs',
  'ruby',
  'php',
  'lua',
  'sh', 'bash',
}

--- The file extensions the server announced (".rs"), as a set; empty before it answered.
function M.announced_extensions(client)
  local experimental = client and client.server_capabilities and client.server_capabilities.experimental
  local languages = type(experimental) == 'table' and experimental.outrigger and experimental.outrigger.languages or {}
  local extensions = {}
  for _, language in ipairs(languages) do
    for _, extension in ipairs(language.extensions or {}) do
      extensions[extension:lower()] = true
    end
  end
  return extensions
end

--- Whether the server parses the file in `bufnr` itself (by its name's extension).
function M.announced(client, bufnr)
  local extension = vim.api.nvim_buf_get_name(bufnr):match('(%.[^./]+)$')
  return extension ~= nil and M.announced_extensions(client)[extension:lower()] == true
end

return M
