"""A small client for QEMU's GDB stub (the GDB remote serial protocol), for tools that need
to look at a running Keel without starting GDB: the grading harness uses it to find out
where a kernel that stopped making progress is stuck (tools/diagnose.py).

    stub = Stub.connect("/path/to/gdb.sock")   # QEMU started with -gdb unix:PATH,server=on,wait=off
    regs = stub.registers()                    # {"x0": ..., "sp": ..., "pc": ..., "cpsr": ...}
    esr = stub.register("ESR_EL1")             # system registers by their QEMU names
    data = stub.read_memory(address, 16)       # through the current translation tables
    stub.resume(); ...; stub.interrupt()       # let it run for a while, stop it again
    stub.detach()                              # let it run on as if nothing happened

Connecting stops the virtual machine (QEMU does that for every GDB); detach() lets it go
on.  The protocol is described in GDB's manual, appendix "GDB Remote Serial Protocol";
only the handful of packets used here are implemented.
"""
import contextlib
import re
import socket

# The order of the registers in a 'g' packet: QEMU's aarch64-core.xml.
CORE_REGISTERS = [f"x{i}" for i in range(31)] + ["sp", "pc", "cpsr"]


class StubError(Exception):
    """The stub went away, answered with an error, or did not answer in time."""


class Stub:
    def __init__(self, sock, timeout):
        self.sock = sock
        self.timeout = timeout
        self.sock.settimeout(timeout)
        self.buffer = b""
        self._sysregs = None

    @classmethod
    def connect(cls, path, timeout=2.0):
        """Connects to the stub at a unix socket's path, or at tcp:HOST:PORT; the machine
        stops.  Raises StubError (also when another debugger holds the stub: QEMU serves
        one at a time, so the answer never comes)."""
        if path.startswith("tcp:"):
            _, host, port = path.split(":")
            sock, address = socket.socket(socket.AF_INET, socket.SOCK_STREAM), (host, int(port))
        else:
            sock, address = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), path
        try:
            sock.settimeout(timeout)
            sock.connect(address)
        except OSError as e:
            sock.close()
            raise StubError(f"cannot connect to {path}: {e}")
        stub = cls(sock, timeout)
        try:
            stub._handshake()
        except StubError:
            stub.close()
            raise
        return stub

    def _handshake(self):
        stub = self
        # QEMU announces the stop that the connection caused with an unsolicited stop
        # packet (if the machine was running).  '?' asks for the stop reason again and
        # qfThreadInfo ('m...') marks the end: drop everything before its answer.
        stub._send("?")
        stub._send("qfThreadInfo")
        while not stub._receive().startswith("m"):
            pass

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # --- packets -----------------------------------------------------------------------------

    def _send(self, data):
        packet = f"${data}#{sum(data.encode()) & 0xFF:02x}".encode()
        try:
            self.sock.sendall(packet)
        except OSError as e:
            raise StubError(f"the stub went away: {e}")

    def _receive(self):
        """The next packet's payload (acknowledged); '+' acknowledgements are skipped."""
        while True:
            start = self.buffer.find(b"$")
            if start >= 0:
                end = self.buffer.find(b"#", start)
                if end >= 0 and len(self.buffer) >= end + 3:
                    payload = self.buffer[start + 1:end].decode("latin-1")
                    self.buffer = self.buffer[end + 3:]
                    self._ack()
                    return unescape(payload)
            try:
                data = self.sock.recv(65536)
            except OSError as e:
                raise StubError(f"no answer from the stub: {e}")
            if not data:
                raise StubError("the stub closed the connection (QEMU exited?)")
            self.buffer += data

    def _ack(self):
        try:
            self.sock.sendall(b"+")
        except OSError:
            pass

    def request(self, data):
        """Sends one packet and returns the answer; 'Exx' answers raise StubError."""
        self._send(data)
        answer = self._receive()
        if re.fullmatch(r"E[0-9a-fA-F]{2}", answer):
            raise StubError(f"the stub refused '{data[:20]}': {answer}")
        return answer

    # --- registers and memory ----------------------------------------------------------------

    def registers(self):
        """x0-x30, sp, pc and cpsr of the stopped CPU, as a dict of ints."""
        raw = bytes.fromhex(self.request("g"))
        values, offset = {}, 0
        for name in CORE_REGISTERS:
            size = 4 if name == "cpsr" else 8
            values[name] = int.from_bytes(raw[offset:offset + size], "little")
            offset += size
        return values

    def register(self, name):
        """A system register by the name QEMU gives it (ESR_EL1, ELR_EL1, ...), or None if
        this CPU has no such register."""
        number = self.sysreg_numbers().get(name)
        if number is None:
            return None
        return int.from_bytes(bytes.fromhex(self.request(f"p{number:x}")), "little")

    def sysreg_numbers(self):
        """{name: register number} from the stub's target description."""
        if self._sysregs is None:
            xml = self._read_feature("system-registers.xml")
            self._sysregs = {m.group(1): int(m.group(2))
                             for m in re.finditer(r'<reg name="(\w+)"[^>]*regnum="(\d+)"', xml)}
        return self._sysregs

    def _read_feature(self, annex):
        text, offset = "", 0
        while True:
            answer = self.request(f"qXfer:features:read:{annex}:{offset:x},fff")
            text += answer[1:]
            offset += len(answer) - 1
            if answer[:1] != "m":
                return text

    def read_memory(self, address, length):
        """Bytes at a virtual address, translated by the CPU's current tables; StubError if
        the address is not mapped."""
        return bytes.fromhex(self.request(f"m{address:x},{length:x}"))

    def read_u64(self, address):
        return int.from_bytes(self.read_memory(address, 8), "little")

    def read_u32(self, address):
        return int.from_bytes(self.read_memory(address, 4), "little")

    def physical_memory(self, on):
        """Switches memory reads to physical addresses (QEMU's own extension)."""
        self.request(f"Qqemu.PhyMemMode:{1 if on else 0}")

    @contextlib.contextmanager
    def physical(self):
        """`with stub.physical():` reads physical addresses inside, virtual ones again after
        (even when a read inside fails)."""
        self.physical_memory(True)
        try:
            yield self
        finally:
            try:
                self.physical_memory(False)
            except StubError:
                pass

    def monitor(self, command):
        """Runs a QEMU monitor (HMP) command, as GDB's `monitor` does; returns its output."""
        self._send("qRcmd," + command.encode().hex())
        output = ""
        while True:
            answer = self._receive()
            if answer.startswith("O") and answer != "OK":
                output += bytes.fromhex(answer[1:]).decode("latin-1")
            elif re.fullmatch(r"E[0-9a-fA-F]{2}", answer):
                raise StubError(f"the monitor refused '{command}': {answer}")
            else:
                return output

    # --- running -----------------------------------------------------------------------------

    def resume(self):
        """Lets the machine run; interrupt() stops it again."""
        self._send("c")

    def wait_stop(self, timeout):
        """Waits up to `timeout` seconds for the machine that resume() let run to stop by
        itself; returns the stop packet.  Raises StubError on timeout."""
        self.sock.settimeout(timeout)
        try:
            return self._receive()
        finally:
            self.sock.settimeout(self.timeout)

    def interrupt(self):
        """Stops a machine that resume() let run; returns the stop packet."""
        try:
            self.sock.sendall(b"\x03")
        except OSError as e:
            raise StubError(f"the stub went away: {e}")
        return self._receive()

    def detach(self):
        """Lets the machine run on and closes the connection."""
        try:
            self.request("D")
        except StubError:
            pass
        self.close()


def unescape(payload):
    """Undoes the protocol's escapes: '}' x ^ 0x20, and run-length encoding 'c*n'."""
    if "}" in payload:
        out, i = [], 0
        while i < len(payload):
            if payload[i] == "}" and i + 1 < len(payload):
                out.append(chr(ord(payload[i + 1]) ^ 0x20))
                i += 2
            else:
                out.append(payload[i])
                i += 1
        payload = "".join(out)
    if "*" in payload:
        payload = re.sub(r"(.)\*(.)", lambda m: m.group(1) * (1 + ord(m.group(2)) - 29), payload)
    return payload
