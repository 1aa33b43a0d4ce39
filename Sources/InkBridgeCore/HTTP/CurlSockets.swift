import CCurl
import Foundation

/// The loop's epoll set, kept in step with what curl's socket callback asks
/// for, lazily: a kept-alive connection's socket stays registered between
/// requests instead of being removed when a transfer ends and added again
/// when the next one starts on it (2.3 `epoll_ctl` calls per request in the
/// drain benchmark, 0.04 after; about 5% less hub CPU per delivery).
///
/// The laziness is safe because the table sees every socket it keeps
/// registered open and close: only sockets curl opened through the
/// open-socket callback (`opened`) are kept past curl's interest, and curl
/// closes those through the close-socket callback (`closing`), which clears
/// the entry before the number can be reused. Any other socket curl hands
/// over (the threaded resolver's socketpair) is removed as soon as curl asks.
/// A kept socket that becomes ready while curl does not want it (the server
/// closed an idle connection) is removed then, once.
///
/// Confined to the loop thread, like `CurlLoopWorker`.
final class CurlSockets {
    private struct Slot {
        /// The events the socket is registered for in the epoll set; 0: not in it.
        var registered: UInt32 = 0
        /// The events curl wants now; 0 once curl said `CURL_POLL_REMOVE`.
        var wanted: UInt32 = 0
        /// Opened through `opened` and not yet closed: `closing` will see it go.
        var tracked = false
    }

    let epoll: Int32
    private var slots: [Slot] = []
    /// Idle sockets taken out of the set by `shouldDeliver`.
    private(set) var dropped = 0

    init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: \(errno)")
    }

    deinit { close(epoll) }

    /// Adds a descriptor the loop itself owns (its wake-up eventfd), permanently.
    func addPermanent(_ fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        precondition(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0, "epoll_ctl(ADD \(fd)) failed: \(errno)")
    }

    /// A socket curl just opened through the open-socket callback. Whatever
    /// had this number before was closed, and so left the epoll set.
    func opened(_ fd: Int32) {
        guard fd >= 0 else { return }
        grow(to: fd)
        slots[Int(fd)] = Slot(registered: 0, wanted: 0, tracked: true)
    }

    /// curl closes a socket it opened through `opened`: the close-socket callback.
    func closing(_ fd: Int32) {
        if fd >= 0 && Int(fd) < slots.count {
            if slots[Int(fd)].registered != 0 { control(EPOLL_CTL_DEL, fd, 0) }
            slots[Int(fd)] = Slot()
        }
        close(fd)
    }

    /// curl's socket callback: `what` is `CURL_POLL_IN`, `_OUT`, `_INOUT` or `_REMOVE`.
    func want(_ fd: Int32, _ what: Int32) {
        guard fd >= 0 else { return }
        grow(to: fd)
        let i = Int(fd)
        if what == CURL_POLL_REMOVE {
            slots[i].wanted = 0
            // Kept only when its close is sure to be seen.
            if !slots[i].tracked && slots[i].registered != 0 {
                control(EPOLL_CTL_DEL, fd, 0)
                slots[i].registered = 0
            }
            return
        }
        let events = (what & CURL_POLL_IN != 0 ? EPOLLIN.rawValue : 0) | (what & CURL_POLL_OUT != 0 ? EPOLLOUT.rawValue : 0)
        slots[i].wanted = events
        guard slots[i].registered != events else { return }
        if slots[i].registered == 0 {
            // Not in the set as far as the table knows; an untracked socket may still be (curl reused its number).
            if !control(EPOLL_CTL_ADD, fd, events) && errno == EEXIST { control(EPOLL_CTL_MOD, fd, events) }
        } else if !control(EPOLL_CTL_MOD, fd, events) && errno == ENOENT {
            control(EPOLL_CTL_ADD, fd, events)
        }
        slots[i].registered = events
    }

    /// An epoll event on `fd`: true when curl wants it; otherwise the socket
    /// leaves the set (it is idle in curl's cache and the peer closed it or sent something).
    func shouldDeliver(_ fd: Int32) -> Bool {
        guard fd >= 0, Int(fd) < slots.count else { return true }
        if slots[Int(fd)].wanted != 0 { return true }
        // Not registered: the event is stale (an earlier one of the same round had curl close it).
        if slots[Int(fd)].registered != 0 {
            control(EPOLL_CTL_DEL, fd, 0)
            slots[Int(fd)].registered = 0
            dropped += 1
        }
        return false
    }

    private func grow(to fd: Int32) {
        if Int(fd) >= slots.count { slots.append(contentsOf: repeatElement(Slot(), count: Int(fd) + 1 - slots.count)) }
    }

    @discardableResult
    private func control(_ op: Int32, _ fd: Int32, _ events: UInt32) -> Bool {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        return epoll_ctl(epoll, op, fd, &event) == 0
    }
}
