// The pysocket core. Every export returns a value or a negative errno; nothing throws.
export { scratch, scratch_input, reserve } from "./scratch";
export { inet_aton, inet_pton, inet_ntop } from "./addr";
export { sockaddr_in, sockaddr_in6, sockaddr_un, sockaddr_host } from "./sockaddr";
export {
  sock_socket, sock_socketpair, sock_family, sock_type, sock_proto, sock_bind, sock_listen, sock_connect,
  sock_finish, sock_accept, sock_recv, sock_recv_from, sock_send, sock_send_to, sock_shutdown,
  sock_close, sock_handle, sock_dup, sock_addr_local, sock_addr_remote, sock_setsockopt,
  sock_getsockopt, sock_getsockopt2, sock_poll, sock_set_fd_limit,
} from "./socket";
