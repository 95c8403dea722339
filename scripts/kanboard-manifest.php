<?php
/*
 * Writes a manifest of the JSON-RPC API a Kanboard source tree registers: every method, each
 * parameter (position, required, default), who may call it. The drift check of the `kanboard`
 * crate compares schema/kanboard.yaml with such a manifest (docs/drift.md).
 *
 *   php scripts/kanboard-manifest.php /path/to/kanboard > kanboard.json
 *   php scripts/kanboard-manifest.php /path/to/kanboard --plugin Portfolio > portfolio.json
 *   php scripts/kanboard-manifest.php /path/to/kanboard --list-plugins
 *
 * Options:
 *   --plugin NAME       only the methods of that plugin (default: Kanboard's own methods)
 *   --plugins-dir DIR   where the plugins are (default: what the tree's config says, else plugins/)
 *   --list-plugins      print the names of the plugins that loaded, one a line
 *
 * How: it boots the tree the way jsonrpc.php does (app/common.php) and reads, by reflection, the
 * procedures registered on $container['api']->getProcedureHandler(): closures (withCallback),
 * class bindings (withClassAndMethod) and procedure objects (withObject), in the order the server
 * dispatches them. The tree is only read. The boot gets a throw-away SQLite database and data
 * folder in the system temp dir, defined before the tree's own config.php is read, so a config.php
 * (which may point at a production database) is never used for the database; its warnings about
 * those settings being defined already are silenced.
 */

error_reporting(E_ALL);

function fail($message)
{
    fwrite(STDERR, "kanboard-manifest: $message\n");
    exit(1);
}

function usage()
{
    fwrite(STDERR, "usage: php kanboard-manifest.php KANBOARD_DIR [--plugin NAME] [--plugins-dir DIR] [--list-plugins]\n");
    exit(2);
}

$args = array_slice($argv, 1);
$root = null;
$plugin = null;
$pluginsDir = null;
$listPlugins = false;
while ($args) {
    $a = array_shift($args);
    if ($a === '--plugin' && $args) {
        $plugin = array_shift($args);
    } elseif ($a === '--plugins-dir' && $args) {
        $pluginsDir = array_shift($args);
    } elseif ($a === '--list-plugins') {
        $listPlugins = true;
    } elseif ($a !== '' && $a[0] !== '-' && $root === null) {
        $root = $a;
    } else {
        usage();
    }
}
if ($root === null) {
    usage();
}
$given = $root;
$root = realpath($given);
if ($root === false || !is_file("$root/app/common.php") || !is_file("$root/jsonrpc.php")) {
    fail("not a Kanboard source tree (no app/common.php and jsonrpc.php): $given");
}
if ($pluginsDir !== null) {
    $pluginsDir = realpath($pluginsDir) ?: fail("no plugins folder $pluginsDir");
}

// A throw-away data folder and database, removed on exit.
$tmp = sys_get_temp_dir() . '/kanboard-manifest-' . getmypid() . '-' . bin2hex(random_bytes(4));
foreach (array($tmp, "$tmp/files", "$tmp/cache") as $d) {
    mkdir($d, 0700, true) || fail("cannot create $d");
}
register_shutdown_function(function () use ($tmp) {
    $it = new RecursiveIteratorIterator(
        new RecursiveDirectoryIterator($tmp, FilesystemIterator::SKIP_DOTS),
        RecursiveIteratorIterator::CHILD_FIRST
    );
    foreach ($it as $f) {
        $f->isDir() ? rmdir($f->getPathname()) : unlink($f->getPathname());
    }
    rmdir($tmp);
});
putenv('DATABASE_URL'); // would make Kanboard use another database
unset($_ENV['DATABASE_URL'], $_SERVER['DATABASE_URL']);
define('DATA_DIR', $tmp);
define('FILES_DIR', "$tmp/files");
define('CACHE_DIR', "$tmp/cache");
define('DB_DRIVER', 'sqlite');
define('DB_FILENAME', "$tmp/db.sqlite");
define('LOG_DRIVER', 'file');
define('LOG_FILE', "$tmp/debug.log");
if ($pluginsDir !== null) {
    define('PLUGINS_DIR', $pluginsDir);
}

// The tree's config.php redefining the settings above only warns; keep those warnings quiet.
set_error_handler(function ($no, $message) {
    return ($no === E_WARNING || $no === E_NOTICE) && strpos($message, 'already defined') !== false;
});
$container = (function () use ($root) {
    require "$root/app/common.php";
    return $container;
})();
restore_error_handler();

$loaded = $container['pluginLoader']->getPlugins();
if ($listPlugins) {
    foreach ($loaded as $name => $p) {
        echo $name, ' ', $p->getPluginVersion(), "\n";
    }
    exit(0);
}
if ($plugin !== null && !isset($loaded[$plugin])) {
    fail("plugin $plugin did not load; loaded: " . (implode(', ', array_keys($loaded)) ?: 'none'));
}

function hidden($object, $property)
{
    $r = new ReflectionProperty($object, $property);
    $r->setAccessible(true);
    return $r->getValue($object);
}

/** The plugin a class belongs to (Kanboard\Plugin\<Name>\...), or null for Kanboard's own. */
function plugin_of($class)
{
    return preg_match('/^Kanboard\\\\Plugin\\\\([^\\\\]+)\\\\/', $class, $m) ? $m[1] : null;
}

function source_of(ReflectionFunctionAbstract $f, $root, $pluginsDir)
{
    $file = (string) $f->getFileName();
    foreach (array($pluginsDir => 'plugins', $root => '') as $dir => $prefix) {
        if ($dir && strpos($file, $dir . '/') === 0) {
            $file = ltrim($prefix . substr($file, strlen($dir)), '/');
            break;
        }
    }
    return $file . ':' . $f->getStartLine();
}

function params_of(ReflectionFunctionAbstract $f)
{
    $out = array();
    foreach ($f->getParameters() as $p) {
        $param = array(
            'name' => $p->getName(),
            'position' => $p->getPosition(),
            // What the server's count check uses (getNumberOfRequiredParameters).
            'required' => !$p->isOptional(),
            'default' => null,
        );
        if ($p->isDefaultValueAvailable()) {
            $param['default'] = $p->getDefaultValue();
            if ($p->isDefaultValueConstant()) {
                $param['default_constant'] = $p->getDefaultValueConstantName();
            }
        }
        if ($p->hasType()) {
            $param['php_type'] = (string) $p->getType();
        }
        $out[] = $param;
    }
    return $out;
}

$handler = $container['api']->getProcedureHandler();
$callbacks = hidden($handler, 'callbacks');
$classes = hidden($handler, 'classes');
$instances = hidden($handler, 'instances');
$beforeMethod = hidden($handler, 'beforeMethodName');
$pluginsRoot = defined('PLUGINS_DIR') ? realpath(PLUGINS_DIR) : null;

// The user-only procedures: refused by beforeProcedure when no user is logged in.
$userOnly = array();
if (class_exists('Kanboard\Api\Authorization\ProcedureAuthorization')) {
    $defaults = (new ReflectionClass('Kanboard\Api\Authorization\ProcedureAuthorization'))->getDefaultProperties();
    $userOnly = isset($defaults['userSpecificProcedures']) ? $defaults['userSpecificProcedures'] : array();
}

/** The least application role a user login needs (apiAccessMap), for methods behind beforeProcedure. */
function least_role($container, $class, $method)
{
    if (!isset($container['apiAuthorization'])) {
        return null;
    }
    $short = (new ReflectionClass($class))->getShortName();
    foreach (array('app-user', 'app-manager', 'app-admin') as $role) {
        if ($container['apiAuthorization']->isAllowed($short, $method, $role)) {
            return $role;
        }
    }
    return null;
}

// Framework classes whose public methods are reachable by name but are not the API.
$frameworkClasses = array('Kanboard\Core\Base', 'Kanboard\Api\Procedure\BaseProcedure');

$methods = array();      // lowercased name => entry, in dispatch order
$shadowed = array();
$reachable = array();
$add = function ($name, $entry) use (&$methods, &$shadowed) {
    $key = strtolower($name);
    if (isset($methods[$key])) {
        $shadowed[] = array('name' => $name, 'shadowed_by' => $methods[$key]['procedure_class'], 'procedure_class' => $entry['procedure_class']);
        return;
    }
    $methods[$key] = $entry;
};

foreach ($callbacks as $name => $closure) {
    $f = new ReflectionFunction($closure);
    $scope = $f->getClosureScopeClass();
    $add($name, array(
        'name' => $name,
        'procedure_class' => 'Closure (' . ($scope ? $scope->getName() : 'global') . ')',
        'registration' => 'withCallback',
        'params' => params_of($f),
        // Closures skip the before-method: no user-only refusal, no role check.
        'auth' => 'app+user',
        'app_role_for_user_auth' => null,
        'source' => source_of($f, $root, $pluginsRoot),
        '_class' => $scope ? $scope->getName() : '',
    ));
}
foreach ($classes as $name => $binding) {
    list($class, $method) = $binding;
    if (!method_exists($class, $method)) {
        continue;
    }
    $f = new ReflectionMethod($class, $method);
    $className = is_string($class) ? $class : get_class($class);
    $add($name, array(
        'name' => $name,
        'procedure_class' => $className,
        'registration' => 'withClassAndMethod',
        'params' => params_of($f),
        'auth' => ($beforeMethod !== '' && in_array($name, $userOnly, true)) ? 'user-only' : 'app+user',
        'app_role_for_user_auth' => least_role($container, $className, $name),
        'source' => source_of($f, $root, $pluginsRoot),
        '_class' => $className,
    ));
}
foreach ($instances as $instance) {
    $class = new ReflectionClass($instance);
    foreach ($class->getMethods() as $m) {
        $declaring = $m->getDeclaringClass()->getName();
        $framework = false;
        foreach ($frameworkClasses as $fc) {
            $framework = $framework || $declaring === $fc || is_subclass_of($fc, $declaring);
        }
        $api = $m->isPublic() && !$m->isStatic() && strpos($m->getName(), '__') !== 0
            && !$framework && $m->getName() !== $beforeMethod;
        if (!$api) {
            $reachable[$m->getName()] = $declaring . ($m->isPublic() ? '' : ' (' . ($m->isProtected() ? 'protected' : 'private') . ')') . ($m->isStatic() ? ' static' : '');
            continue;
        }
        $name = $m->getName();
        $add($name, array(
            'name' => $name,
            'procedure_class' => $class->getName(),
            'registration' => 'withObject',
            'params' => params_of($m),
            'auth' => ($beforeMethod !== '' && in_array($name, $userOnly, true)) ? 'user-only' : 'app+user',
            'app_role_for_user_auth' => least_role($container, $class->getName(), $name),
            'source' => source_of($m, $root, $pluginsRoot),
            '_class' => $class->getName(),
        ));
    }
}

$selected = array();
foreach ($methods as $entry) {
    $owner = plugin_of($entry['_class']);
    unset($entry['_class']);
    if ($owner === $plugin) {
        $selected[] = $entry;
    }
}

$out = array();
if ($plugin === null) {
    $out['kanboard_version'] = defined('APP_VERSION') ? APP_VERSION : null;
    $constants = @file_get_contents("$root/app/constants.php");
    if ($constants && preg_match("/build_app_version\\([^,]*,\\s*'([0-9a-f]{40})'/", $constants, $m)) {
        $out['source_commit'] = $m[1];
    }
} else {
    $out['plugin'] = $plugin;
    $out['plugin_version'] = $loaded[$plugin]->getPluginVersion();
    $out['kanboard_version'] = defined('APP_VERSION') ? APP_VERSION : null;
}
$out['generated_at'] = gmdate('Y-m-d\TH:i:s\Z');
$out['generator'] = 'scripts/kanboard-manifest.php: PHP reflection over $container["api"]->getProcedureHandler() '
    . '(callbacks, class bindings, instances) after app/common.php bootstrap, with a throw-away SQLite database';
$out['endpoint'] = '/jsonrpc.php';
$out['method_count'] = count($selected);
$out['auth_model'] = array('user_only_procedures' => array_values($userOnly));
$out['methods'] = $selected;
$out['shadowed_methods'] = $shadowed;
if ($plugin === null) {
    ksort($reachable);
    $out['reachable_non_api_methods'] = $reachable;
}

echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION), "\n";
