/// How an IPv6 literal is written beside a port (`[::1]:38801`) and how it
/// is given to a resolver (`::1`): one place for adapters and programs that
/// take addresses as users write them and print them back.
package enum HostLiteral {
    /// `host` without the brackets an IPv6 literal is written in before a
    /// port; any other host as it is.
    package static func unbracketed(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// `host` as it goes before `:port`: an IPv6 literal in brackets (once).
    package static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
