#version 330
// The sky dome, sun disc and stars, pinned to the far plane around the camera. Colours are
// computed per vertex (llvmpipe shades every sky pixel, so the fragment shader stays trivial).

uniform mat4 u_view_proj;
uniform vec3 u_cam_pos;
uniform vec3 u_zenith;      // linear colours
uniform vec3 u_horizon;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_color;
uniform float u_stars;
uniform float u_exposure;

in vec3 in_dir;
in float in_kind;           // 0 dome, 1 sun disc, 2 star

out vec3 v_color;

void main() {
    vec3 dir = normalize(in_dir);
    vec3 color;
    if (in_kind > 1.5) {
        color = vec3(0.9, 0.95, 1.2) * u_stars;
        if (u_stars <= 0.0) dir = vec3(0.0, -1.0, 0.0);
    } else if (in_kind > 0.5) {
        vec3 side = normalize(cross(u_sun_dir, vec3(0.0, 1.0, 0.0)));
        vec3 up = cross(side, u_sun_dir);
        dir = normalize(u_sun_dir + 0.035 * (in_dir.x * side + in_dir.y * up));
        color = u_sun_color * 2.5 + vec3(0.6);
    } else {
        float h = clamp(dir.y, 0.0, 1.0);
        color = mix(u_horizon, u_zenith, sqrt(h));
        color = mix(color, u_horizon * 0.55, clamp(-dir.y * 4.0, 0.0, 1.0));
        float sun = max(dot(dir, u_sun_dir), 0.0);
        color += u_sun_color * (0.06 * pow(sun, 8.0) + 0.2 * pow(sun, 48.0));
    }
    v_color = to_srgb(tonemap(color * u_exposure));
    vec4 clip = u_view_proj * vec4(u_cam_pos + dir * 50.0, 1.0);
    gl_Position = clip.xyww;  // depth 1: behind everything, drawn only where nothing else was
}
