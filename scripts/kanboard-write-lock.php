<?php
// auto_prepend_file for kanboard-server.sh (KANBOARD_SERIALIZE_WRITES=1): one writer at a time.
//
// Why: with SQLite and several PHP workers, Kanboard 1.2.53 sometimes answers a concurrent write
// (e.g. createTask in one project) with "SQLSTATE[HY000]: General error: 5 database is locked",
// after the task was committed. Its per-request metrics job (ProjectDailyStatsModel::updateTotals)
// reads inside a deferred transaction and then writes; when another worker committed in between,
// SQLite fails the write at once (SQLITE_BUSY_SNAPSHOT) instead of waiting out the busy timeout.
//
// So every request takes an flock on $KANBOARD_WRITE_LOCK for its whole run: shared for JSON-RPC
// calls that only read (get*, search*), exclusive for everything else (other API calls, batches
// holding one, the web UI, whose session handler writes too). Reads still run side by side.
// The lock is released when PHP frees the handle at the very end of the request.

(static function () {
    $path = getenv('KANBOARD_WRITE_LOCK');
    if ($path === false || $path === '') {
        return;
    }
    $shared = false;
    if (basename($_SERVER['SCRIPT_FILENAME'] ?? '') === 'jsonrpc.php') {
        // php://input can be read again by Kanboard afterwards.
        $payload = json_decode((string) file_get_contents('php://input'), true);
        if (is_array($payload)) {
            $calls = array_is_list($payload) ? $payload : [$payload];
            $shared = $calls !== [];
            foreach ($calls as $call) {
                $method = is_array($call) ? ($call['method'] ?? null) : null;
                if (!is_string($method) || !preg_match('/^(get|search)[A-Z]/', $method)) {
                    $shared = false;
                    break;
                }
            }
        }
    }
    $handle = fopen($path, 'c');
    if ($handle === false) {
        return;
    }
    flock($handle, $shared ? LOCK_SH : LOCK_EX);
    // Kept alive in a global: freed (and so unlocked) after shutdown functions and session
    // writes have run.
    $GLOBALS['__kanboard_server_write_lock'] = $handle;
})();
