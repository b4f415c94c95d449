#!/usr/bin/env python3
"""A recording TCP proxy: forwards bytes both ways unchanged and writes every Kafka frame it sees
in the format of shared/reference/kafka-protocol/captures/frames.txt (hex, size prefix included):

  ### connection from client port N
  --- request <Api> v<N> corr=<id> (<n> bytes incl. 4-byte size)
  <hex>
  --- response <Api> v<N> corr=<id> (<n> bytes)
  <hex>

Responses are matched to their request by correlation id, per connection. Clients reconnect to
the address the broker advertises, so start the broker with
advertised.listeners=PLAINTEXT://127.0.0.1:<listen port> to keep all traffic on the proxy.

Usage: capture_frames.py --listen PORT --upstream HOST:PORT --out FILE
Each connection is written as one block when it closes; on Ctrl-C or SIGTERM the blocks of
connections still open are written too.
"""
import argparse
import signal
import socket
import struct
import sys
import threading

# Kafka API names by key (the names Brook's codec uses).
API_NAMES = {
    0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 4: "LeaderAndIsr",
    5: "StopReplica", 6: "UpdateMetadata", 7: "ControlledShutdown", 8: "OffsetCommit",
    9: "OffsetFetch", 10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat",
    13: "LeaveGroup", 14: "SyncGroup", 15: "DescribeGroups", 16: "ListGroups",
    17: "SaslHandshake", 18: "ApiVersions", 19: "CreateTopics", 20: "DeleteTopics",
    21: "DeleteRecords", 22: "InitProducerId", 23: "OffsetForLeaderEpoch",
    24: "AddPartitionsToTxn", 25: "AddOffsetsToTxn", 26: "EndTxn", 27: "WriteTxnMarkers",
    28: "TxnOffsetCommit", 29: "DescribeAcls", 30: "CreateAcls", 31: "DeleteAcls",
    32: "DescribeConfigs", 33: "AlterConfigs", 34: "AlterReplicaLogDirs",
    35: "DescribeLogDirs", 36: "SaslAuthenticate", 37: "CreatePartitions",
    38: "CreateDelegationToken", 39: "RenewDelegationToken", 40: "ExpireDelegationToken",
    41: "DescribeDelegationToken", 42: "DeleteGroups", 43: "ElectLeaders",
    44: "IncrementalAlterConfigs", 45: "AlterPartitionReassignments",
    46: "ListPartitionReassignments", 47: "OffsetDelete", 48: "DescribeClientQuotas",
    49: "AlterClientQuotas", 50: "DescribeUserScramCredentials",
    51: "AlterUserScramCredentials", 60: "DescribeCluster", 61: "DescribeProducers",
    65: "DescribeTransactions", 66: "ListTransactions", 67: "AllocateProducerIds",
}


class Recorder:
    """Writes each connection's frames to one file as one block, when the connection closes (or
    the proxy stops). Thread-safe."""

    def __init__(self, path):
        self.out = open(path, "w", encoding="ascii")
        self.lock = threading.Lock()
        self.open_connections = set()

    def opened(self, connection):
        with self.lock:
            self.open_connections.add(connection)

    def closed(self, connection):
        with self.lock:
            self.open_connections.discard(connection)
            self._write(connection)

    def close_all(self):
        with self.lock:
            for connection in sorted(self.open_connections, key=lambda c: c.number):
                self._write(connection)
            self.open_connections.clear()

    def _write(self, connection):
        if connection.lines:
            self.out.write(f"### connection from client port {connection.client_port}\n")
            self.out.write("".join(connection.lines))
            self.out.flush()
            connection.lines = []


class Connection:
    """One client connection: names each response after its request, by correlation id."""

    def __init__(self, number, client_port):
        self.number = number
        self.client_port = client_port
        self.pending = {}  # correlation id -> (api name, version)
        self.lines = []  # heading and hex lines, in the order the frames crossed the proxy
        self.lock = threading.Lock()

    def request(self, frame):
        api_key, version, correlation = struct.unpack(">hhi", frame[4:12])
        name = API_NAMES.get(api_key, f"Api{api_key}")
        with self.lock:
            self.pending[correlation] = (name, version)
            self.lines.append(f"--- request {name} v{version} corr={correlation} "
                              f"({len(frame)} bytes incl. 4-byte size)\n{frame.hex()}\n")

    def response(self, frame):
        (correlation,) = struct.unpack(">i", frame[4:8])
        with self.lock:
            name, version = self.pending.pop(correlation, ("Unknown", -1))
            self.lines.append(f"--- response {name} v{version} corr={correlation} "
                              f"({len(frame)} bytes)\n{frame.hex()}\n")


def pump(source, sink, on_frame):
    """Copies source to sink until EOF, calling on_frame for each complete size-prefixed frame."""
    buffer = b""
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            # Frames are recorded before they are forwarded, so a request is known before its
            # response can come back.
            buffer += data
            while len(buffer) >= 4:
                (size,) = struct.unpack(">i", buffer[:4])
                if len(buffer) < 4 + size:
                    break
                on_frame(buffer[:4 + size])
                buffer = buffer[4 + size:]
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (sink, source):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, number, upstream_address, recorder):
    try:
        upstream = socket.create_connection(upstream_address)
    except OSError as error:
        print(f"capture_frames: upstream {upstream_address}: {error}", file=sys.stderr)
        client.close()
        return
    connection = Connection(number, client.getpeername()[1])
    recorder.opened(connection)
    to_broker = threading.Thread(target=pump, args=(client, upstream, connection.request),
                                 daemon=True)
    to_broker.start()
    pump(upstream, client, connection.response)
    to_broker.join()
    client.close()
    upstream.close()
    recorder.closed(connection)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1")
    parser.add_argument("--upstream", required=True, help="broker HOST:PORT")
    parser.add_argument("--out", required=True, help="capture file to write")
    args = parser.parse_args()
    host, _, port = args.upstream.rpartition(":")
    upstream_address = (host, int(port))
    recorder = Recorder(args.out)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.listen))
    listener.listen(64)
    print(f"capture_frames: 127.0.0.1:{args.listen} -> {args.upstream}, writing {args.out}",
          file=sys.stderr)
    number = 0
    try:
        while True:
            client, _ = listener.accept()
            number += 1
            threading.Thread(target=serve, args=(client, number, upstream_address, recorder),
                             daemon=True).start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        recorder.close_all()


if __name__ == "__main__":
    main()
