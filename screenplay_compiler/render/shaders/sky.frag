#version 330
// Backdrop drawn last at the far plane: gradient sky, sun glow and, at night, stars.

uniform mat4 u_inv_view_proj;
uniform vec3 u_cam_pos;
uniform vec3 u_zenith;
uniform vec3 u_horizon;
uniform vec3 u_sun_dir;
uniform vec3 u_sun_color;
uniform float u_stars;
uniform float u_exposure;

in vec2 v_ndc;
out vec4 f_color;

float hash(vec2 p) {
    return fract(sin(dot(p, vec2(127.1, 311.7))) * 43758.5453);
}

void main() {
    vec4 far = u_inv_view_proj * vec4(v_ndc, 1.0, 1.0);
    vec3 dir = normalize(far.xyz / far.w - u_cam_pos);
    vec3 color = sky_color(dir, u_zenith, u_horizon, u_sun_dir, u_sun_color);
    if (u_stars > 0.0 && dir.y > 0.05) {
        vec2 cell = floor(vec2(atan(dir.x, dir.z), asin(dir.y)) * 140.0);
        float star = step(0.996, hash(cell)) * hash(cell + 7.0);
        color += vec3(0.8, 0.85, 1.0) * star * u_stars * smoothstep(0.05, 0.3, dir.y);
    }
    f_color = vec4(to_srgb(tonemap(color * u_exposure)), 1.0);
}
