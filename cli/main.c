/* main.c — latent-workbench-cli entry point (stub, being written)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
int
main (int argc, char **argv)
{
  return 2;
}
