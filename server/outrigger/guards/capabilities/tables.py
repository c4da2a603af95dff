"""The capabilities guard's tables: for each language, the APIs that give each power.

Data only, apart from reading a cell's shorthand into entries; which references an entry
covers is `matching`'s job.
"""

from __future__ import annotations

import re

RUNS = "runs other programs"
BUILDS = "runs code it builds at run time"
ENDS = "ends the process"
NETWORK = "opens network connections"
NATIVE = "loads native code"
OUTSIDE = "reaches outside the project (the home folder, the environment, deleting, moving or re-linking files)"

# One table per language: for each power, the APIs that give it, as dotted names. An entry
# covers the name and everything under it (`subprocess` covers `subprocess.run`); `a.{b c}` is
# `a.b` and `a.c`; `name*` every name that starts so (`os.exec*`: `execl` … `execvpe`; Win32's
# `DeleteFile*`: its A and W forms); `*.name` a method of that name on a value whose class the
# code does not show; `<…>` what a reader finds beyond names (a shell command, a computed
# `require`). A method on a value is read through the value's class where the code shows it
# (`new File(p).delete()`, `File f = …; f.delete()`, `Path(p).unlink()`,
# `Runtime.getRuntime().exec(…)`: `File.delete`, `pathlib.Path.unlink`, `Runtime.exec`), so a
# table names an API's members once, not each way of reaching them.
TABLES: dict[str, dict[str, str]] = {
    "python": {
        RUNS: (
            "os.{system popen exec* spawn* posix_spawn* fork* startfile} subprocess pty multiprocessing "
            "asyncio.create_subprocess_* concurrent.futures.ProcessPoolExecutor platform.popen "
            # `posix` is `os` under its own name; a browser or pip is a program too
            "posix.{system popen exec* spawn* posix_spawn* fork*} _posixsubprocess webbrowser ensurepip"
        ),
        BUILDS: (
            "exec eval compile __import__ breakpoint importlib builtins __builtins__ runpy imp marshal pickle "
            "shelve types.{CodeType FunctionType} sys.{modules path meta_path path_hooks settrace setprofile "
            "addaudithook _getframe} atexit vars globals operator.{attrgetter methodcaller} "
            "inspect.{currentframe stack getclosurevars} gc.{get_objects get_referrers get_referents} "
            "outrigger_pytest_seal <dynamic attribute of a module> <reflective attribute> "
            # run a string as code, or import by a name in a string
            "timeit cProfile.{run runctx} profile.{run runctx} pdb trace.Trace code codeop zipimport "
            "doctest.{run_docstring_examples DocTestRunner DebugRunner debug_src debug_script} "
            "pkgutil.resolve_name pydoc.locate logging.config site.addsitedir"
        ),
        ENDS: (
            "os.{_exit abort kill killpg} posix.{_exit abort kill killpg} sys.exit exit quit SystemExit "
            "signal.{raise_signal pthread_kill} _thread.interrupt_main faulthandler._sigsegv"
        ),
        NETWORK: (
            "socket ssl http.{client server} urllib.request urllib3 requests httpx aiohttp ftplib smtplib poplib "
            "imaplib telnetlib xmlrpc socketserver websocket websockets paramiko "
            "asyncio.{open_connection start_server}"
        ),
        NATIVE: "ctypes _ctypes cffi",
        OUTSIDE: (
            "os.path.{expanduser expandvars} os.{remove unlink rmdir removedirs chmod chown symlink link "
            "rename renames replace truncate mkfifo mknod} posix.{remove unlink rmdir rename replace} "
            "shutil.{rmtree move chown} "
            "pathlib.Path.{home expanduser unlink rmdir rename replace symlink_to hardlink_to chmod lchmod}"
        ),
    },
    "javascript": {  # `fs/promises.x` and `fs.promises.x` are read as `fs.x`
        RUNS: "child_process cluster worker_threads Deno.{run Command} Bun.{spawn spawnSync $}",
        BUILDS: "eval Function vm module.createRequire inspector <require of a computed name>",
        ENDS: "process.{exit reallyExit abort kill} Deno.exit",
        NETWORK: (
            "net http https http2 dgram tls dns fetch XMLHttpRequest WebSocket EventSource axios node-fetch "
            "undici Deno.{connect listen}"
        ),
        NATIVE: "process.{binding _linkedBinding dlopen} ffi-napi koffi",
        OUTSIDE: "os.homedir fs.{rm* unlink* symlink* link* chmod* lchmod* chown* lchown* rename*}",
    },
    "rust": {
        RUNS: "std.process.Command std.os.unix.process tokio.process async_std.process duct nix.unistd",
        BUILDS: "include!",
        ENDS: "std.process.{exit abort} libc.{exit _exit kill}",
        NETWORK: "std.net tokio.net reqwest hyper ureq async_std.net surf",
        NATIVE: "libc libloading std.ptr <unsafe>",
        OUTSIDE: (
            "std.env.home_dir dirs home std.fs.{remove_file remove_dir remove_dir_all} std.os.unix.fs.symlink "
            "include_str! include_bytes! env! option_env!"
        ),
    },
    "go": {
        RUNS: "os/exec syscall.{Exec ForkExec StartProcess} os.StartProcess",
        BUILDS: "plugin reflect.NewAt",
        ENDS: "os.Exit syscall.{Exit Kill} log.Fatal*",
        NETWORK: "net crypto/tls",
        NATIVE: "unsafe syscall C",
        OUTSIDE: "os.{UserHomeDir Remove RemoveAll Symlink Link Rename Chmod Chown Lchown}",
    },
    "ruby": {  # a bare `system` is `Kernel.system`
        RUNS: "Kernel.{system exec spawn fork} Process.{spawn fork exec daemon} IO.popen Open3 PTY open3 pty <shell command>",
        BUILDS: (
            "Kernel.{eval instance_eval class_eval module_eval instance_exec class_exec module_exec binding send "
            "__send__ public_send const_get define_method load autoload at_exit} "
            "*.{send __send__ public_send const_get instance_variable_get instance_variable_set define_method} "
            "ObjectSpace RubyVM TracePoint Marshal.load <load of a computed name>"
        ),
        ENDS: "Kernel.{exit exit! abort} Process.{exit exit! abort kill}",
        NETWORK: (
            "Net TCPSocket TCPServer UDPSocket UNIXSocket Socket URI.open OpenURI HTTParty Faraday RestClient "
            "Excon socket net/http net/https net/ftp net/smtp open-uri httparty faraday rest-client"
        ),
        NATIVE: "Fiddle FFI fiddle ffi",
        OUTSIDE: (
            "ENV Dir.{home delete rmdir unlink} "
            "File.{delete unlink rename symlink link chmod chown expand_path write} IO.write "
            "Pathname.{delete unlink rmdir rename make_symlink make_link chmod chown write} FileUtils fileutils"
        ),
    },
    "php": {
        RUNS: "exec shell_exec system passthru proc_open popen pcntl_exec pcntl_fork <shell command>",
        BUILDS: (
            "eval assert create_function call_user_func* forward_static_call* register_shutdown_function "
            "unserialize extract Reflection{Function Method Class} <call of a computed name> "
            "<include of a computed path>"
        ),
        ENDS: "exit die posix_kill",
        NETWORK: (
            "fsockopen pfsockopen stream_socket_{client server} socket_create curl_{init exec multi_exec} "
            "ftp_connect ssh2_connect mail SoapClient GuzzleHttp"
        ),
        NATIVE: "FFI dl",
        OUTSIDE: "getenv putenv _ENV _SERVER unlink rmdir rename symlink link chmod chown file_put_contents posix_getpwuid",
    },
    "lua": {
        RUNS: "os.execute io.popen",
        BUILDS: "load loadstring loadfile dofile debug setfenv getfenv string.dump _G _ENV <load of a computed name>",
        ENDS: "os.exit",
        NETWORK: "socket socket.http ssl ssl.https http.request copas ngx.{socket location}",
        NATIVE: "package.loadlib ffi",
        OUTSIDE: "os.{getenv remove rename tmpname} lfs",
    },
    "bash": {  # commands by name; a redirection into a file outside the project
        RUNS: "exec sudo su setsid nohup disown xargs env nice timeout <command of a computed name>",
        BUILDS: "eval source . trap bash sh zsh dash ksh python python3 perl ruby node php lua",
        ENDS: "exit kill killall pkill shutdown reboot halt poweroff",
        NETWORK: "curl wget nc ncat netcat socat ssh scp sftp rsync telnet ftp /dev/tcp /dev/udp",
        NATIVE: "insmod modprobe LD_PRELOAD",
        OUTSIDE: (
            "rm rmdir mv ln chmod chown dd shred truncate tee printenv export unset crontab "
            "<redirect outside the project>"
        ),
    },
    "java": {
        RUNS: "Runtime.exec ProcessBuilder java.lang.ProcessBuilder ProcessHandle",
        BUILDS: (
            "Class.forName java.lang.{reflect invoke} MethodHandles javax.script ScriptEngineManager ClassLoader "
            "URLClassLoader ObjectInputStream *.{getMethod getDeclaredMethod defineClass}"
        ),
        ENDS: "System.exit Runtime.{exit halt} *.{halt destroyForcibly}",
        NETWORK: (
            "java.net Socket ServerSocket DatagramSocket HttpClient HttpURLConnection URLConnection SocketChannel "
            "java.nio.channels okhttp3 OkHttpClient org.apache.http *.{openConnection openStream}"
        ),
        NATIVE: "System.{load loadLibrary} sun.misc.Unsafe jdk.internal com.sun.jna Native.load",
        OUTSIDE: (
            "System.{getenv getProperty} "
            "Files.{delete deleteIfExists move write writeString createSymbolicLink createLink setPosixFilePermissions} "
            "File.{delete deleteOnExit renameTo setWritable setReadable setExecutable} FileWriter FileOutputStream "
            "*.{deleteOnExit renameTo}"
        ),
    },
    "c": {  # C and C++
        RUNS: (
            "system std.system popen _popen _wpopen fork vfork clone exec{l le lp v ve vp vpe} fexecve posix_spawn* "
            "CreateProcess* ShellExecute* WinExec boost.process"
        ),
        BUILDS: "dlopen dlsym LoadLibrary* GetProcAddress mprotect",
        ENDS: (
            "exit _exit _Exit quick_exit abort kill raise std.{exit _Exit quick_exit abort terminate} ExitProcess "
            "TerminateProcess"
        ),
        NETWORK: "socket getaddrinfo gethostbyname curl_easy_{init perform} WSAStartup boost.asio",
        NATIVE: "asm __asm__ __asm",
        OUTSIDE: (
            "getenv secure_getenv setenv putenv unsetenv std.{getenv rename} environ remove unlink unlinkat rmdir rename renameat "
            "symlink link chmod chown truncate getpwuid DeleteFile* MoveFile* "
            "std.filesystem.{remove remove_all rename create_symlink create_directory_symlink create_hard_link "
            "permissions}"
        ),
    },
    "csharp": {
        RUNS: "Process ProcessStartInfo System.Diagnostics.{Process ProcessStartInfo}",
        BUILDS: (
            "Assembly.{Load LoadFrom LoadFile} System.Reflection Activator Type.GetType *.{GetMethod InvokeMember} "
            "DynamicMethod CSharpScript BinaryFormatter"
        ),
        ENDS: "Environment.{Exit FailFast} Application.Exit *.Kill",
        NETWORK: "System.Net HttpClient WebClient WebRequest HttpWebRequest TcpClient TcpListener UdpClient Socket Dns",
        NATIVE: "DllImport LibraryImport NativeLibrary System.Runtime.InteropServices Marshal unsafe",
        OUTSIDE: (
            "Environment.{GetEnvironmentVariable GetEnvironmentVariables SetEnvironmentVariable GetFolderPath} "
            "File.{Delete Move WriteAllText WriteAllBytes WriteAllLines CreateSymbolicLink} Directory.{Delete Move} "
            "FileInfo DirectoryInfo"
        ),
    },
}


def cell_entries(text: str) -> tuple[str, ...]:
    """A table cell's entries: `a.{b c}` is `a.b` and `a.c`; `<…>` is one entry."""
    found: list[str] = []
    for token in re.findall(r"<[^>]*>|[^\s{}]*\{[^}]*\}[^\s{}]*|\S+", text):
        if "{" in token and not token.startswith("<"):
            head, _, rest = token.partition("{")
            inside, _, tail = rest.partition("}")
            found += [head + part + tail for part in inside.split()]
        else:
            found.append(token)
    return tuple(found)


# family → ((power, entries), …), read once
ENTRIES = {
    family: tuple((power, cell_entries(cell)) for power, cell in cells.items()) for family, cells in TABLES.items()
}
