// epoll(7) for the live benchmark's subscribers: Swift's Glibc module does not include <sys/epoll.h>.
#pragma once
#include <sys/epoll.h>
