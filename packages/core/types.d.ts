declare module "free-email-domains" {
  const domains: string[];
  export default domains;
}
