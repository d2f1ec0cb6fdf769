/* SPDX-License-Identifier: BSD-3-Clause */
/* Visibility of libdynzone's public symbols (built with -fvisibility=hidden). */
#pragma once

#define DZ_API __attribute__((visibility("default")))
