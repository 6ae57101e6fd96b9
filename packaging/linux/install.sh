#!/usr/bin/env sh
# Install the one-folder bundle for the current user (no root), or remove it.
#
#   packaging/linux/install.sh [--prefix DIR] [--bundle DIR]      install (default ~/.local)
#   packaging/linux/install.sh --uninstall [--prefix DIR]          remove the app, not the data
#
# Puts the bundle in PREFIX/lib/assessor-app, a link in PREFIX/bin, the desktop entry in
# PREFIX/share/applications and the icons in PREFIX/share/icons/hicolor. For all users,
# run as root with --prefix /opt/assessor-app plus links, or wrap the same layout in a
# .deb/.rpm. The user's data folder (~/.local/share/assessor-app) is never touched.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "${here}/../.." && pwd)
prefix="${HOME}/.local"
bundle="${root}/dist/assessor-app"
action=install

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=$2; shift 2 ;;
        --bundle) bundle=$2; shift 2 ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

app_dir="${prefix}/lib/assessor-app"
bin_link="${prefix}/bin/assessor-app"
desktop="${prefix}/share/applications/assessor-app.desktop"
icons="${prefix}/share/icons/hicolor"

if [ "${action}" = uninstall ]; then
    rm -rf "${app_dir}"
    rm -f "${bin_link}" "${desktop}" "${icons}/scalable/apps/assessor-app.svg"
    for size in 16 24 32 48 64 128 256 512; do
        rm -f "${icons}/${size}x${size}/apps/assessor-app.png"
    done
    echo "Removed the assessor workbench from ${prefix} (your data folder was left as it is)."
    exit 0
fi

if [ ! -x "${bundle}/assessor-app" ]; then
    echo "install.sh: no bundle at ${bundle}; build it first: python3 packaging/build.py" >&2
    exit 1
fi
mkdir -p "${prefix}/lib" "${prefix}/bin" "${prefix}/share/applications"
rm -rf "${app_dir}.new"
cp -a "${bundle}" "${app_dir}.new"
rm -rf "${app_dir}"
mv "${app_dir}.new" "${app_dir}"
ln -sf "${app_dir}/assessor-app" "${bin_link}"
sed "s|^Exec=assessor-app|Exec=${app_dir}/assessor-app|; s|^TryExec=assessor-app|TryExec=${app_dir}/assessor-app|" \
    "${here}/assessor-app.desktop" > "${desktop}"
icon_src="${root}/resources/icons"
mkdir -p "${icons}/scalable/apps"
cp "${icon_src}/assessor-app.svg" "${icons}/scalable/apps/assessor-app.svg"
for size in 16 24 32 48 64 128 256 512; do
    mkdir -p "${icons}/${size}x${size}/apps"
    cp "${icon_src}/assessor-app-${size}.png" "${icons}/${size}x${size}/apps/assessor-app.png"
done
command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "${prefix}/share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t "${icons}" || true
echo "Installed the assessor workbench in ${app_dir}; run it from the applications menu or with ${bin_link}"
