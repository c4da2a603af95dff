-- Outrigger's configuration for vim.lsp.config / vim.lsp.enable (Neovim 0.11+). With this
-- plugin on the runtimepath, `vim.lsp.enable('outrigger')` alone starts it; setup() adds the
-- keymaps, progress messages and symbol forwarding (see lua/outrigger/init.lua).
return {
  cmd = { 'outrigger', 'lsp' },
  filetypes = require('outrigger.languages').filetypes,
  root_markers = { '.git', 'pyproject.toml', 'package.json', 'Cargo.toml', 'go.mod' },
  -- Settings go in init_options (setup() puts them there); without model.baseUrl, the embedded
  -- Qwen2.5-Coder-0.5B starts on first use.
  -- Versioned edits, annotated with the summary and each file's line counts; reviewed in one go.
  capabilities = { workspace = { workspaceEdit = { documentChanges = true } } },
  handlers = {
    ['workspace/applyEdit'] = function(...) return require('outrigger.review').apply_edit(...) end,
  },
  on_init = function(client)
    require('outrigger').attach_announced(client)
  end,
}
