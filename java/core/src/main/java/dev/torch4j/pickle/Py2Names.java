package dev.torch4j.pickle;

import java.util.HashMap;
import java.util.Map;

/**
 * Python 2 module and global names mapped to their Python 3 homes, as Python's unpickler does
 * with {@code fix_imports} (the table in {@code _compat_pickle}), so resolvers and the safety
 * policy see one spelling. Only the names pickles of data and models actually use.
 */
final class Py2Names {
    private Py2Names() {}

    private static final Map<String, String> MODULES = new HashMap<>();
    private static final Map<String, String[]> NAMES = new HashMap<>();

    static {
        String[][] modules = {
            {"__builtin__", "builtins"}, {"copy_reg", "copyreg"}, {"Queue", "queue"}, {"cPickle", "pickle"},
            {"cStringIO", "io"}, {"StringIO", "io"}, {"UserDict", "collections"}, {"UserList", "collections"},
            {"UserString", "collections"}, {"exceptions", "builtins"}, {"thread", "_thread"},
            {"dummy_thread", "_dummy_thread"}, {"repr", "reprlib"}, {"ConfigParser", "configparser"},
            {"SocketServer", "socketserver"}, {"_winreg", "winreg"}, {"Tkinter", "tkinter"},
            {"cookielib", "http.cookiejar"}, {"Cookie", "http.cookies"}, {"httplib", "http.client"},
            {"htmlentitydefs", "html.entities"}, {"HTMLParser", "html.parser"}, {"xmlrpclib", "xmlrpc.client"},
            {"urllib2", "urllib.request"}, {"urlparse", "urllib.parse"}, {"robotparser", "urllib.robotparser"},
            {"commands", "subprocess"}, {"anydbm", "dbm"}, {"whichdb", "dbm"}, {"dbhash", "dbm.bsd"},
            {"dumbdbm", "dbm.dumb"}, {"gdbm", "dbm.gnu"}, {"itertools", "itertools"},
        };
        for (String[] m : modules) MODULES.put(m[0], m[1]);
        String[][] names = {
            {"__builtin__", "xrange", "builtins", "range"}, {"__builtin__", "reduce", "functools", "reduce"},
            {"__builtin__", "intern", "sys", "intern"}, {"__builtin__", "unichr", "builtins", "chr"},
            {"__builtin__", "unicode", "builtins", "str"}, {"__builtin__", "long", "builtins", "int"},
            {"__builtin__", "basestring", "builtins", "str"},
            {"itertools", "izip", "builtins", "zip"}, {"itertools", "imap", "builtins", "map"},
            {"itertools", "ifilter", "builtins", "filter"}, {"itertools", "ifilterfalse", "itertools", "filterfalse"},
            {"itertools", "izip_longest", "itertools", "zip_longest"},
            {"UserDict", "IterableUserDict", "collections", "UserDict"},
            {"exceptions", "StandardError", "builtins", "Exception"},
            {"urllib", "urlopen", "urllib.request", "urlopen"}, {"urllib", "urlretrieve", "urllib.request", "urlretrieve"},
            {"urllib", "quote", "urllib.parse", "quote"}, {"urllib", "unquote", "urllib.parse", "unquote"},
            {"urllib", "urlencode", "urllib.parse", "urlencode"},
            {"urllib2", "HTTPError", "urllib.error", "HTTPError"}, {"urllib2", "URLError", "urllib.error", "URLError"},
            {"_socket", "fromfd", "socket", "fromfd"},
            {"multiprocessing.process", "Process", "multiprocessing.context", "Process"},
            {"multiprocessing.forking", "Popen", "multiprocessing.popen_fork", "Popen"},
        };
        for (String[] n : names) NAMES.put(n[0] + "\n" + n[1], new String[] {n[2], n[3]});
    }

    /** {@code {module, name}} in Python 3 spelling (unchanged when there is no mapping). */
    static String[] map(String module, String name) {
        String[] both = NAMES.get(module + "\n" + name);
        if (both != null) return both;
        String m = MODULES.get(module);
        return new String[] {m == null ? module : m, name};
    }
}
