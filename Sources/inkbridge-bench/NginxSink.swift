import Foundation

/// nginx answering 204 to any request on a loopback port: the sink that is
/// never the bottleneck (about twice libcurl's rate on this kind of machine).
/// Runs as the harness's child with its own prefix and config, `daemon off`.
final class NginxSink {
    let port: UInt16
    let child: ChildProcess

    var url: String { "http://127.0.0.1:\(port)/sink" }

    init(workspace: Workspace) throws(BenchError) {
        guard let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"].first(where: FileManager.default.isExecutableFile) else {
            throw BenchError("nginx is not installed (make bench installs it when run as root: apt-get install nginx-light)")
        }
        let dir = try workspace.directory("nginx")
        port = try Ports.free()
        // Bodies stay in memory (buffer > body size) so nginx never touches the disk.
        let config = """
            worker_processes 2;
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path \(dir)/body;
                proxy_temp_path \(dir)/proxy;
                fastcgi_temp_path \(dir)/fastcgi;
                uwsgi_temp_path \(dir)/uwsgi;
                scgi_temp_path \(dir)/scgi;
                client_body_buffer_size 64k;
                client_max_body_size 1m;
                keepalive_requests 100000000;
                keepalive_timeout 120s;
                server {
                    listen 127.0.0.1:\(port) backlog=4096;
                    location / { return 204; }
                }
            }
            """
        let confPath = dir + "/nginx.conf"
        try Workspace.write(config, to: confPath)
        child = try ChildProcess(name: "nginx", executable: binary,
                                 arguments: ["-p", dir, "-c", confPath, "-e", dir + "/error.log", "-g", "daemon off;"],
                                 logPath: dir + "/stdout.log")
        guard Ports.waitListening(port, timeout: 10, alive: { child.isRunning }) else {
            child.stop()
            throw BenchError("nginx did not start: \(child.logTail())")
        }
    }

    /// The master and its workers, for CPU accounting.
    var pids: [Int32] { [child.pid] + ProcStat.children(of: child.pid) }

    func stop() { child.stop() }
}
