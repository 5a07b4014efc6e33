/*
 * origin: the benchmark's origin server, fast enough that Squid, not the origin, is what a
 * load test measures (tests/lib/lab/origin.py, in Python, is not). One thread, epoll, HTTP/1.1
 * keep-alive: every GET gets a small 200 reply, video/mp4 for paths ending in ".mp4" and
 * text/html otherwise. Listens on loopback only and exits by itself after SECONDS.
 *
 * usage: origin SECONDS ADDR PORT   (ADDR: a 127.0.0.0/8 address)
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define CONN_BUF	8192
#define MAX_FD		4096

/* The replies after the status line and Date; Squid caches a reply only with a Date. */
static const char html[] = "Content-Type: text/html\r\n"
    "Content-Length: 48\r\nCache-Control: max-age=3600\r\n\r\n"
    "<!doctype html><title>origin</title><p>hello</p>";
static const char mp4[] = "Content-Type: video/mp4\r\n"
    "Content-Length: 48\r\nCache-Control: max-age=3600\r\n\r\n"
    "\0\0\0\x18" "ftypmp42" "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/* "HTTP/1.1 200 OK" and the Date line, made once a second. */
static char head[128];
static size_t headlen;
static time_t head_time;

static void
update_head(time_t now)
{
	char date[64];

	if (now == head_time)
		return;
	head_time = now;
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
	headlen = (size_t)snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nDate: %s\r\n", date);
}

struct conn {
	char	 buf[CONN_BUF];
	size_t	 len;
};

static struct conn *conns[MAX_FD];

static void
drop(int ep, int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	free(conns[fd]);
	conns[fd] = NULL;
}

/* Answer every complete request in c's buffer. Returns -1 when the connection must close. */
static int
serve(int fd, struct conn *c)
{
	char *end;

	while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4)) != NULL) {
		size_t reqlen = (size_t)(end - c->buf) + 4;
		char *sp = memchr(c->buf, ' ', reqlen), *sp2;
		struct iovec iov[2] = { { head, headlen }, { (void *)html, sizeof html - 1 } };

		/* the path is between the first two spaces */
		if (sp != NULL && (sp2 = memchr(sp + 1, ' ', reqlen - (size_t)(sp + 1 - c->buf))) &&
		    sp2 - sp > 4 && memcmp(sp2 - 4, ".mp4", 4) == 0)
			iov[1] = (struct iovec){ (void *)mp4, sizeof mp4 - 1 };
		if (writev(fd, iov, 2) != (ssize_t)(iov[0].iov_len + iov[1].iov_len))
			return -1;	/* a slow reader: the benchmark's clients never are */
		memmove(c->buf, c->buf + reqlen, c->len - reqlen);
		c->len -= reqlen;
	}
	return c->len == sizeof c->buf ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct epoll_event ev, evs[64];
	int lfd, ep, one = 1, i, n;
	time_t stop;

	if (argc != 4 || inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1 ||
	    (ntohl(sin.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "usage: origin SECONDS 127.x.y.z PORT\n");
		return 2;
	}
	stop = time(NULL) + atoi(argv[1]);
	sin.sin_port = htons((unsigned short)atoi(argv[3]));
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof sin) == -1 || listen(lfd, 512) == -1 ||
	    (ep = epoll_create1(0)) == -1) {
		perror("origin");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1) {
		perror("origin: epoll_ctl");
		return 1;
	}
	while (update_head(time(NULL)), head_time < stop) {
		if ((n = epoll_wait(ep, evs, 64, 1000)) == -1) {
			if (errno == EINTR)
				continue;
			perror("origin: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			struct conn *c;
			ssize_t got;

			if (fd == lfd) {
				int cfd;

				while ((cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
					if (cfd >= MAX_FD ||
					    (conns[cfd] = calloc(1, sizeof *conns[cfd])) == NULL) {
						close(cfd);
						continue;
					}
					ev.events = EPOLLIN;
					ev.data.fd = cfd;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev) == -1)
						drop(ep, cfd);
				}
				continue;
			}
			c = conns[fd];
			got = read(fd, c->buf + c->len, sizeof c->buf - c->len);
			if (got == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (got <= 0) {
				drop(ep, fd);
				continue;
			}
			c->len += (size_t)got;
			if (serve(fd, c) == -1)
				drop(ep, fd);
		}
	}
	return 0;
}
