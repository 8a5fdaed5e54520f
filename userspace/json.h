/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON emitter: one line, ", " and ": " between items, strings
 * escaped (invalid UTF-8 becomes U+FFFD). The caller balances its opens
 * and closes.
 */
#ifndef OP25BCTL_JSON_H
#define OP25BCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	bool first;	/* nothing written yet in the open container */
	bool after_key;	/* a key was written, its value comes next */
};

#define JSON_INIT(file) { .f = (file), .first = true, .after_key = false }

/* A JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
void json_write_string(FILE *f, const char *s);

/* c: '{' or '[', and its closing '}' or ']' */
void json_open(struct json *j, char c);
void json_close(struct json *j, char c);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);

#endif /* OP25BCTL_JSON_H */
